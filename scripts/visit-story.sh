#!/usr/bin/env bash
# A visit of issue 12's story driven by hand in a real window: the built
# kiosk on Xvfb at 1024x768, clicked with xdotool, a screenshot at each step
# (welcome, warm-up, a question and its feedback, results, the picture code,
# the "Je suis déjà venu" keypad, the learner's space, before/after).
# Look at the pictures afterwards. Usage: scripts/visit-story.sh [SHOTS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
shots=${1:-/tmp/tremplin-visit-story}
mkdir -p "$shots"
TREMPLIN_VISIT_STORY=1 TREMPLIN_SHOTS="$shots" \
  go test -count=1 -timeout 30m -run '^TestVisitStory$' -v ./cmd/tremplin
echo "screenshots: $shots/visit-story-*.png"
