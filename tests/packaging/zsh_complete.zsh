#!/usr/bin/env zsh
# zsh_complete.zsh - what zsh's completion offers for command lines, read
# from a real interactive zsh in a pseudo-terminal (zsh/zpty).
#
#   zsh_complete.zsh FPATH_DIR PATH_DIR LINE...
#
# For each LINE, prints "LINE => MATCH MATCH ..." (the matches given to
# compadd when completion is asked at the end of LINE).  The shell starts
# with `zsh -f` (no user files), FPATH_DIR first in $fpath and PATH_DIR first
# in $PATH; BAOGAO_INDEX is passed on.
zmodload zsh/zpty || exit 77
fdir=$1 pdir=$2
shift 2
out_file=${TMPDIR:-/tmp}/zsh_complete.$$
zpty z env -i HOME=${TMPDIR:-/tmp} TERM=xterm PATH=$pdir:/usr/bin:/bin \
  BAOGAO_INDEX=${BAOGAO_INDEX-} LANG=C.UTF-8 LC_ALL=C.UTF-8 zsh -f -i
n=0
# Runs a command line in the shell and waits for its end.
run() {
  local got
  (( n++ ))
  zpty -w z "$1; echo MARK\$(( $n * 2 ))"
  zpty -r z got "*MARK$(( n * 2 ))*" || { print -u2 "zsh_complete: no answer"; exit 1; }
}
run "PS1='%% '; fpath=($fdir \$fpath); autoload -Uz compinit; compinit -u -D"
run "capture() { compadd() { builtin compadd -O __m \"\$@\"; print -r -- \"\${(j: :)__m}\" >> $out_file; builtin compadd \"\$@\" }; _main_complete; unfunction compadd }"
run 'zle -C capture-complete complete-word capture; bindkey "^T" capture-complete'
for line in "$@"; do
  rm -f $out_file
  # Type the line, complete (^T), then drop the line (^U) and sync.
  zpty -w -n z "$line"$'\x14'$'\x15'
  run true
  print -r -- "$line => ${(j: :)${(f)"$(<$out_file 2>/dev/null)"}}"
done
rm -f $out_file
zpty -d z
