# -DLAE_SANITIZERS=address,undefined builds everything (library, app, tests) with them.
if(LAE_SANITIZERS)
  string(REPLACE "," ";" _lae_sanitizer_list "${LAE_SANITIZERS}")
  foreach(_sanitizer IN LISTS _lae_sanitizer_list)
    add_compile_options(-fsanitize=${_sanitizer})
    add_link_options(-fsanitize=${_sanitizer})
  endforeach()
  add_compile_options(-fno-omit-frame-pointer -fno-sanitize-recover=all)
endif()
