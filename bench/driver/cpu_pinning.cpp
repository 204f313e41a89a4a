#include "cpu_pinning.hpp"

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "process.hpp"

namespace bench {

int pin_to_one_cpu(int cpu) {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) fail("sched_getaffinity: %s", strerror(errno));
  if (cpu < 0) {
    for (int candidate = 0; candidate < CPU_SETSIZE; ++candidate) {
      if (CPU_ISSET(candidate, &allowed)) cpu = candidate;
    }
  }
  if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed)) fail("CPU %d is not available", cpu);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  if (sched_setaffinity(0, sizeof one, &one) != 0) fail("sched_setaffinity(%d): %s", cpu, strerror(errno));
  return cpu;
}

}  // namespace bench
