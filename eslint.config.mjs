// Module boundaries between Nx projects (tags in each project.json): the frontend and the backend may
// share only the contracts library, never each other's code.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist', '**/node_modules', '**/.angular', '**/.nx', 'test-artifacts', '.venv'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // The model-server and drift contracts are data both languages read (Python opens them; TypeScript imports them).
          allow: ['^(\\.\\./)+libs/contracts/src/(model-server|drift)-contract\\.json$'],
          depConstraints: [
            { sourceTag: 'scope:frontend', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:backend', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
);
