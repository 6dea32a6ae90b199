# Extra targets of the VRRP tests (included from tests/unit/CMakeLists.txt with m = vrrp).
#
# sa_vrrp_driver: STEPPING STONE for the namespace scenarios until the daemon can load a
# config (tests/netns/vrrp/driver/README.md).
add_executable(sa_vrrp_driver
  ${PROJECT_SOURCE_DIR}/tests/netns/vrrp/driver/driver.cpp
  ${PROJECT_SOURCE_DIR}/tests/netns/vrrp/driver/mini_conf.cpp)
target_link_libraries(sa_vrrp_driver PRIVATE stayalived::vrrp)

# The unit tests also cover pure helpers of the shell (trackers.hpp: process matching, track
# file reading), which live in stayalived::vrrp.
target_include_directories(unit_vrrp PRIVATE ${PROJECT_SOURCE_DIR}/src/vrrp)
