#pragma once
// Keeping the driver, the inits and their applications on one CPU. On a
// shared virtual machine a wake-up that crosses CPUs costs more, and more
// erratically, than the work measured; on one CPU every init pays the same.

namespace bench {

// Pins the driver (and so everything it starts) to `cpu`, or to the last CPU
// it may run on if `cpu` is -1. Returns the CPU; exits the driver if it cannot.
int pin_to_one_cpu(int cpu);

}  // namespace bench
