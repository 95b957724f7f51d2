#!/bin/sh
# Doxygen's input filter for one page of the book (docs/CMakeLists.txt sets
# it up): prints the page with its line of previous/next links under the
# title and again at the end.
#
#   book-nav.sh NAV_FILE PAGE_FILE
#
# NAV_FILE holds one line. Under the title, it takes the place of the blank
# line that follows it, and nothing is inserted: every other line keeps its
# number, so Doxygen's warnings point at the right line. A page whose second
# line is not blank gets the links at the end only.
set -eu
awk -v nav_file="$1" '
  BEGIN { if ((getline nav < nav_file) <= 0) nav = "" }
  NR == 2 && $0 == "" && nav != "" { print nav; next }
  { print }
  END { print ""; print nav }
' "$2"
