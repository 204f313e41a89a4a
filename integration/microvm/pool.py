"""Boots started ahead of the test that reads them, so that the VMs of two
architectures run at the same time (the machine has two cores, and a VM
uses one). A boot's console is buffered from its start, so a test that
takes a boot started earlier sees every line; only the arrival times are
lost, which is why a test that measures time does not take one."""


class BootPool:
    """Boots waiting for their test, by (architecture, scenario)."""

    def __init__(self):
        self._waiting = {}

    def start_ahead(self, arch, scenario, start):
        """Starts `start()` for a test that will ask for (arch, scenario)."""
        if (arch, scenario) not in self._waiting:
            self._waiting[(arch, scenario)] = start()

    def take(self, arch, scenario, start):
        """The boot started ahead for (arch, scenario), else `start()`."""
        boot = self._waiting.pop((arch, scenario), None)
        return boot if boot is not None else start()

    def close(self):
        """Stops the boots no test took (deselected or failed tests)."""
        for boot in self._waiting.values():
            boot.close()
        self._waiting.clear()
