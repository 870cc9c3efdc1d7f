#!/usr/bin/env bash
# Tag the locally built images (build-images.sh) for a registry and push them:
#   bash scripts/docker/push-images.sh <registry>/<path> <version>
# → <registry>/<path>/{backend,model-server,frontend}:<version>, as the prod overlay's `images:` expects.
set -euo pipefail
registry="${1:?registry and path, e.g. <registry-host>/allocine-sentiment}"
version="${2:?version, e.g. 0.1.0}"
for image in backend model-server frontend; do
  docker tag "allocine-sentiment/$image:local" "$registry/$image:$version"
  docker push "$registry/$image:$version"
done
