/** Example reviews to try, written for this app. */
export const EXAMPLES = [
  "Un chef-d'œuvre, bouleversant du début à la fin. Les acteurs sont magistraux.",
  "Nul, ennuyeux, je me suis endormi au bout de vingt minutes.",
  "Des images superbes mais un scénario bien trop prévisible, je suis partagé.",
  "Une comédie réjouissante : on rit du début à la fin, à voir en famille !",
];
