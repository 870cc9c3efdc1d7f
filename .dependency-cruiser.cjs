/**
 * Import rules for the backend (run by `npm run lint`, hence by `npm test`). A folder is a capability or an
 * adapter: folders must form a tree of dependencies, never a loop, or one can no longer be read, tested or
 * changed without the others.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      scope: 'folder',
      severity: 'error',
      comment: 'These folders import each other (directly or through others): move the shared part down into one of them, or into a folder of its own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      comment: 'These files import each other: split out what both need.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'openapi-generator-outside-the-app',
      severity: 'error',
      comment: 'The OpenAPI generator builds the whole application in preview mode: nothing in the application may import it.',
      from: { pathNot: '^backend/src/openapi-generator/' },
      to: { path: '^backend/src/openapi-generator/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
  },
};
