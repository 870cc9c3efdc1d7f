#!/usr/bin/env bash
# `npm run lint` (and `npm test`): ESLint, with Nx's module boundaries (frontend and backend share only
# libs/contracts), then dependency-cruiser's import rules (.dependency-cruiser.cjs): no loop between files or
# between folders, and nothing in the application imports the OpenAPI generator.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
NX_DAEMON=false npx nx show projects >/dev/null  # ESLint's Nx rule reads the project graph
npx eslint backend/src backend/test frontend/src libs/contracts/src
npx depcruise backend/src backend/test frontend/src libs/contracts/src scripts bench --config .dependency-cruiser.cjs
