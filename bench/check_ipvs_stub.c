/* LD_PRELOAD shim for the checker benchmark: lets keepalived's checker process run on a
 * kernel without ip_vs by answering its IPVS socket options (the setsockopt/getsockopt
 * interface of linux/ip_vs.h, which keepalived's libipvs uses when the IPVS generic
 * netlink family is absent) as an empty IPVS table that accepts every change. Nothing else
 * is touched: keepalived's health checks, scheduling and bookkeeping run unchanged; only the
 * kernel calls on real-server transitions become free, as they do for our harness (which
 * has no IPVS at all). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <linux/ip_vs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int is_ipvs(int level, int name, int max) {
  return level == IPPROTO_IP && name >= IP_VS_BASE_CTL && name <= max;
}

int getsockopt(int fd, int level, int name, void* val, socklen_t* len) {
  static int (*real)(int, int, int, void*, socklen_t*);
  if (!is_ipvs(level, name, IP_VS_SO_GET_MAX)) {
    if (!real) real = (int (*)(int, int, int, void*, socklen_t*))dlsym(RTLD_NEXT, "getsockopt");
    return real(fd, level, name, val, len);
  }
  if (name == IP_VS_SO_GET_VERSION) {
    snprintf((char*)val, *len, "IP Virtual Server version 1.2.1 (size=4096)");
  } else if (name == IP_VS_SO_GET_INFO && *len >= sizeof(struct ip_vs_getinfo)) {
    struct ip_vs_getinfo* info = (struct ip_vs_getinfo*)val;
    info->version = 0x010201;
    info->size = 4096;
    info->num_services = 0;
  } else if (name == IP_VS_SO_GET_SERVICES && *len >= sizeof(struct ip_vs_get_services)) {
    ((struct ip_vs_get_services*)val)->num_services = 0;
  } else if (name == IP_VS_SO_GET_DESTS && *len >= sizeof(struct ip_vs_get_dests)) {
    ((struct ip_vs_get_dests*)val)->num_dests = 0;
  } else {
    memset(val, 0, *len);
  }
  return 0;
}

int setsockopt(int fd, int level, int name, const void* val, socklen_t len) {
  static int (*real)(int, int, int, const void*, socklen_t);
  if (!is_ipvs(level, name, IP_VS_SO_SET_MAX)) {
    if (!real) real = (int (*)(int, int, int, const void*, socklen_t))dlsym(RTLD_NEXT, "setsockopt");
    return real(fd, level, name, val, len);
  }
  return 0;
}
