# Third-party dependencies, all from Debian 12 (bookworm) packages.
# scripts/bootstrap installs them; the versions below are what we build and test with.
#
#   package                      version seen   used for
#   libboost1.81-dev             1.81.0         Asio (awaitable, as_tuple, cancellation)
#   libssl-dev                   3.0.x          SSL_GET, MD5 digests, VRRP AH (HMAC-MD5)
#   libnl-3-dev, -route-, -genl- 3.7.0          rtnetlink (addresses, routes, rules), IPVS genl
#   flex                         2.6.4          config lexer
#   bison                        3.8.2          config grammar (C++ skeleton)
#   doctest-dev                  2.4.9          unit tests
#   libsystemd-dev               252            sd_notify, watchdog
#   libfmt-dev                   9.1.0          log and dump formatting
#   libpcre2-dev                 10.42          HTTP_GET/SSL_GET url regex (as keepalived: PCRE2)
include_guard(GLOBAL)
find_package(PkgConfig QUIET)

set(_sa_hint "run scripts/bootstrap (as root) to install the build dependencies")

function(_sa_missing what pkg)
  message(FATAL_ERROR "stayalived: ${what} not found. It comes from the Debian package "
                      "'${pkg}'; ${_sa_hint}.")
endfunction()

# Boost 1.81 exactly: Debian 12 also ships 1.74 as libboost-dev, whose Asio lacks pieces we
# use; mixing the two gives confusing errors, so insist on the 1.81 CMake package.
find_package(Boost 1.81.0 EXACT QUIET CONFIG COMPONENTS headers)
if(NOT Boost_FOUND)
  _sa_missing("Boost 1.81 (Asio)" "libboost1.81-dev")
endif()

find_package(OpenSSL 3.0 QUIET)
if(NOT OpenSSL_FOUND)
  _sa_missing("OpenSSL >= 3.0 headers" "libssl-dev")
endif()

if(NOT PkgConfig_FOUND)
  _sa_missing("pkg-config" "pkg-config")
endif()
pkg_check_modules(LIBNL QUIET IMPORTED_TARGET libnl-3.0>=3.7 libnl-route-3.0>=3.7 libnl-genl-3.0>=3.7)
if(NOT LIBNL_FOUND)
  _sa_missing("libnl-3 >= 3.7 (core, route, genl)" "libnl-3-dev libnl-route-3-dev libnl-genl-3-dev")
endif()

pkg_check_modules(NFTABLES QUIET IMPORTED_TARGET libnftables>=1.0.6)
if(NOT NFTABLES_FOUND)
  _sa_missing("libnftables >= 1.0.6" "libnftables-dev")
endif()

pkg_check_modules(PCRE2 QUIET IMPORTED_TARGET libpcre2-8>=10.40)
if(NOT PCRE2_FOUND)
  _sa_missing("libpcre2-8 >= 10.40" "libpcre2-dev")
endif()

pkg_check_modules(SYSTEMD QUIET IMPORTED_TARGET libsystemd>=252)
if(NOT SYSTEMD_FOUND)
  _sa_missing("libsystemd >= 252" "libsystemd-dev")
endif()

find_package(FLEX 2.6 QUIET)
if(NOT FLEX_FOUND)
  _sa_missing("flex >= 2.6" "flex")
endif()
find_package(BISON 3.8 QUIET)
if(NOT BISON_FOUND)
  _sa_missing("bison >= 3.8 (C++ skeleton)" "bison")
endif()

if(STAYALIVED_TESTS AND NOT STAYALIVED_FUZZ)
  find_package(doctest 2.4.9 QUIET CONFIG)
  if(NOT doctest_FOUND)
    _sa_missing("doctest >= 2.4.9" "doctest-dev")
  endif()
endif()

find_package(fmt 9.1 QUIET CONFIG)
if(NOT fmt_FOUND)
  _sa_missing("fmt >= 9.1" "libfmt-dev")
endif()

find_package(Threads REQUIRED)
