# Cross-compiles for arm64 (aarch64) on an amd64 Debian with its multiarch cross toolchain:
#   apt-get install crossbuild-essential-arm64 qemu-user-static
#   cmake -S . -B build/arm64 --toolchain cmake/aarch64-linux-gnu.cmake -DLAE_STATIC=ON ...
# The :arm64 -dev packages (Boost 1.81, OpenSSL, yaml-cpp, libcap, libxcrypt, zlib) come from a
# sysroot: LAE_ARM64_SYSROOT (cache or environment), a folder the .debs are unpacked into
# (scripts/build-arm64 makes it), because some amd64 -dev packages (libboost-log1.81-dev,
# libyaml-cpp-dev) are not co-installable with their :arm64 twins. Without it, the
# :arm64 packages installed in / are used.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

if(NOT LAE_ARM64_SYSROOT AND DEFINED ENV{LAE_ARM64_SYSROOT})
  set(LAE_ARM64_SYSROOT "$ENV{LAE_ARM64_SYSROOT}")
endif()
set(LAE_ARM64_SYSROOT "${LAE_ARM64_SYSROOT}" CACHE PATH "unpacked :arm64 -dev packages")
if(LAE_ARM64_SYSROOT)
  set(CMAKE_SYSROOT "${LAE_ARM64_SYSROOT}")
endif()
# try_compile projects see the same sysroot.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES LAE_ARM64_SYSROOT)

# Programs from the build machine; libraries, headers and packages from the target only.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Tests and anything run at build time go through qemu (binfmt_misc may not be mounted).
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
