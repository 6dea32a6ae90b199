# Extra targets of the VRRP tests (included from tests/unit/CMakeLists.txt with m = vrrp).

# The unit tests also cover pure helpers of the shell (trackers.hpp: process matching, track
# file reading), which live in stayalived::vrrp.
target_include_directories(unit_vrrp PRIVATE ${PROJECT_SOURCE_DIR}/src/vrrp/io)
