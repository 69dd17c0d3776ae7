# The version comes from project(); the revision from -DLAE_REVISION=... (image builds, which
# have no .git) or else from git when the source is a checkout.
set(LAE_REVISION "" CACHE STRING "Source revision shown in --version and build_info")
if(NOT LAE_REVISION)
  set(LAE_REVISION "unknown")
endif()
find_package(Git QUIET)
if(LAE_REVISION STREQUAL "unknown" AND GIT_FOUND AND EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/.git")
  execute_process(
    COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
    OUTPUT_VARIABLE _lae_git_revision
    OUTPUT_STRIP_TRAILING_WHITESPACE
    ERROR_QUIET
    RESULT_VARIABLE _lae_git_result)
  if(_lae_git_result EQUAL 0 AND _lae_git_revision)
    set(LAE_REVISION "${_lae_git_revision}" CACHE STRING "" FORCE)
  endif()
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/version.hpp.in"
               "${CMAKE_CURRENT_BINARY_DIR}/generated/lae/version.hpp" @ONLY)
