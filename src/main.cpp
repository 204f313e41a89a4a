#include "exit_status.hpp"
#include "log.hpp"
#include "options.hpp"
#include "supervisor.hpp"
#include "usage.hpp"

int main(int argc, char** argv, char** environment) {
  pidone::Options options;
  switch (pidone::parse_command_line(argc, argv, environment, options)) {
    case pidone::Action::UsageError: return pidone::exit_status::kUsageError;
    case pidone::Action::ShowHelp: pidone::print_help(); return 0;
    case pidone::Action::ShowVersion: pidone::print_version(); return 0;
    case pidone::Action::ShowLicense: pidone::print_license(); return 0;
    case pidone::Action::Run: break;
  }
  pidone::log::set_verbosity(options.verbosity);
  return pidone::supervise(options);
}
