"""Boots a Debian kernel under qemu-system (TCG: no KVM needed) with an
initramfs whose /init is pidone, and reads the serial console.

The kernel starts /init with the words after `--` on its command line as
arguments and unknown KEY=value words before it as environment. It ends
init's arguments at a second `--` and refuses more than 32 of them, so the
arguments given here must avoid both (testapp's `spawn` accepts `then` for
`--`). When init exits, the kernel panics with
`Attempted to kill init! exitcode=0x0000NN00`, NN being init's exit status;
`panic=-1` turns the panic into a reboot and `-no-reboot` into qemu's exit.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness import LineLog

HERE = Path(__file__).resolve().parent
FETCH_KERNEL = HERE / "fetch-kernel.sh"
MAKE_INITRAMFS = HERE / "make-initramfs.cmake"

PANIC = re.compile(r"Attempted to kill init! exitcode=0x([0-9a-fA-F]+)")
MAX_INIT_WORDS = 30  # the kernel's limit is 32, with /init itself


@dataclass(frozen=True)
class Machine:
    qemu: str
    options: tuple
    console: str


# The pc machine rather than microvm on x86_64: without HPET or ACPI PM
# timer, microvm's kernel cannot calibrate its clock on a loaded host and
# hangs. On arm64, a plain cortex-a57: `-cpu max` would add pointer
# authentication, which is slow to emulate.
MACHINES = {
    "x86_64": Machine("qemu-system-x86_64", ("-M", "pc"), "ttyS0"),
    "aarch64": Machine("qemu-system-aarch64", ("-M", "virt", "-cpu", "cortex-a57"), "ttyAMA0"),
}


def machine_problem(arch):
    """None if qemu-system can boot `arch` here, else why not."""
    machine = MACHINES[arch]
    if shutil.which(machine.qemu) is None:
        package = "qemu-system-x86" if arch == "x86_64" else "qemu-system-arm"
        return f"{machine.qemu} not found (install {package}: scripts/install-deps.sh)"
    if shutil.which("cpio") is None:
        return "cpio not found (scripts/install-deps.sh installs it)"
    return None


def fetch_kernel(arch, cache_dir):
    """Path of Debian's cloud kernel for `arch`, downloaded once into
    cache_dir; raises RuntimeError with the reason when it cannot be had."""
    done = subprocess.run([str(FETCH_KERNEL), arch, str(cache_dir)], capture_output=True,
                          text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"cannot fetch the {arch} kernel: {done.stderr.strip()}")
    return Path(done.stdout.strip())


def make_initramfs(init, programs, output):
    """Assembles the initramfs: `init` as /init, `programs` in /bin."""
    subprocess.run(["cmake", f"-DINIT={init}", f"-DEXTRA_PROGRAMS={';'.join(map(str, programs))}",
                    f"-DOUTPUT={output}", "-P", str(MAKE_INITRAMFS)],
                   check=True, capture_output=True, timeout=60)
    return Path(output)


def exit_status_in(line):
    """init's exit status from the kernel's panic line, or None."""
    match = PANIC.search(line)
    return None if match is None else int(match.group(1), 16) >> 8 & 0xFF


class Boot:
    """One run of the VM: qemu started at once, its console read into a
    LineLog (`console`), qemu's own messages into another (`errors`)."""

    def __init__(self, arch, kernel, initramfs, init_args, kernel_args=(), memory_mb=512):
        init_args = [str(word) for word in init_args]
        if "--" in init_args or len(init_args) > MAX_INIT_WORDS:
            raise ValueError(f"the kernel cannot pass {init_args!r} to init")
        machine = MACHINES[arch]
        append = " ".join([f"console={machine.console}", "rdinit=/init", "panic=-1", "quiet",
                           *kernel_args, "--", *init_args])
        self.arch = arch
        self.argv = [machine.qemu, *machine.options, "-accel", "tcg", "-m", str(memory_mb),
                     "-nodefaults", "-no-reboot", "-display", "none", "-serial", "stdio",
                     "-kernel", str(kernel), "-initrd", str(initramfs), "-append", append]
        # Plain pipes: each LineLog owns (and closes) its read end.
        console_reader, console_writer = os.pipe2(os.O_CLOEXEC)
        errors_reader, errors_writer = os.pipe2(os.O_CLOEXEC)
        try:
            self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                            stdout=console_writer, stderr=errors_writer)
        finally:
            os.close(console_writer)
            os.close(errors_writer)
        self.console = LineLog(console_reader, f"{arch} console")
        self.errors = LineLog(errors_reader, f"{arch} qemu stderr")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def wait_line(self, match, timeout):
        return self.console.wait_for(match, timeout)

    def has_line(self, match):
        return self.console.find(match) is not None

    @property
    def lines(self):
        return self.console.lines

    def exit_status(self, timeout):
        """Waits for init to exit; returns its status from the panic line."""
        return exit_status_in(self.wait_line(lambda line: PANIC.search(line) is not None, timeout))

    def close(self):
        """Stops qemu (at once if init is still running) and its readers."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.console.join()
        self.errors.join()
