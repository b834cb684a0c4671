file(REMOVE_RECURSE
  "libbaogao_core.a"
)
