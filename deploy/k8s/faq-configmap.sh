#!/bin/sh
# Create or update the faq-bot-faq ConfigMap from a FAQ folder (default: faq_data/).
# Check it first; the running pods check it again and refuse a bad one, keeping the last good.
#   deploy/k8s/faq-configmap.sh [FAQ_FOLDER] [kubectl args, e.g. -n faq]
set -eu
folder=${1:-faq_data}
[ $# -gt 0 ] && shift
faq-bot check --data-dir "$folder"
kubectl create configmap faq-bot-faq --from-file="$folder" --dry-run=client -o yaml "$@" \
  | kubectl apply "$@" -f -
