# The version comes from project(); the revision from -DLAE_REVISION=... (image builds, which
# have no .git) or else from git, asked at every configure, when the source is a checkout.
set(LAE_REVISION "" CACHE STRING "Source revision shown in --version and build_info (default: git)")
set(_lae_revision "${LAE_REVISION}")
find_package(Git QUIET)
if(NOT _lae_revision AND GIT_FOUND AND EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/.git")
  execute_process(
    COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
    OUTPUT_VARIABLE _lae_git_revision
    OUTPUT_STRIP_TRAILING_WHITESPACE
    ERROR_QUIET
    RESULT_VARIABLE _lae_git_result)
  if(_lae_git_result EQUAL 0 AND _lae_git_revision)
    set(_lae_revision "${_lae_git_revision}")
  endif()
endif()
if(NOT _lae_revision)
  set(_lae_revision "unknown")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/version.hpp.in"
               "${CMAKE_CURRENT_BINARY_DIR}/generated/lae/version.hpp" @ONLY)
