#!/usr/bin/env bash
# The dev stack's Secret, with fresh random values (nothing secret lives in the repository):
#   bash deploy/k8s/overlays/dev/create-secrets.sh        # prints the API key to use
set -euo pipefail
NS=allocine-dev
rand() { openssl rand -hex 16; }
redis_password=$(rand)
postgres_password=$(rand)
api_key=$(rand)
kubectl get namespace "$NS" >/dev/null 2>&1 || kubectl create namespace "$NS"
kubectl -n "$NS" create secret generic allocine-secrets \
  --from-literal=API_KEYS="$api_key" \
  --from-literal=REDIS_PASSWORD="$redis_password" \
  --from-literal=REDIS_ADDRESS="redis:6379" \
  --from-literal=REDIS_URL="redis://:${redis_password}@redis:6379" \
  --from-literal=POSTGRES_PASSWORD="$postgres_password" \
  --from-literal=DATABASE_URL="postgres://allocine:${postgres_password}@postgres:5432/allocine" \
  --from-literal=WEBHOOK_SECRET="$(openssl rand -hex 32)" \
  --dry-run=client -o yaml | kubectl apply -f -
echo "API key: $api_key  (kubectl -n $NS port-forward svc/api 3000, then X-API-Key: $api_key)"
