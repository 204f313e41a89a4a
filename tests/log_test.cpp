#include "log.hpp"

#include <errno.h>
#include <gtest/gtest.h>

#include <string>

#include "process_helpers.hpp"

namespace pidone {
namespace {

using testing::CapturedStderr;

class Log : public ::testing::Test {
 protected:
  ~Log() override { log::set_verbosity(log::kDefaultVerbosity); }
};

TEST_F(Log, WritesOnePrefixedLineToStderr) {
  CapturedStderr captured;
  log::error("value ", 42, " and ", -7, " and ", 4000000000u);
  EXPECT_EQ(captured.text(), "[pidone] value 42 and -7 and 4000000000\n");
}

TEST_F(Log, NamesSignals) {
  CapturedStderr captured;
  log::error(SignalName{SIGTERM}, " ", SignalName{34}, " ", SignalName{40}, " ", SignalName{64}, " ", SignalName{33});
  EXPECT_EQ(captured.text(), "[pidone] SIGTERM SIGRTMIN SIGRTMIN+6 SIGRTMIN+30 signal 33\n");
}

TEST_F(Log, DescribesSystemErrors) {
  CapturedStderr captured;
  log::error(SystemError{ENOENT}, "; ", SystemError{EACCES}, "; ", SystemError{9999});
  EXPECT_EQ(captured.text(), "[pidone] No such file or directory; Permission denied; error 9999\n");
}

// The errors a user of pidone can meet and act on get words, not numbers.
TEST_F(Log, DescribesTheErrorsPidoneCanMeet) {
  const std::pair<int, const char*> expected[] = {
      {EPERM, "Operation not permitted"},
      {ENOENT, "No such file or directory"},
      {ESRCH, "No such process"},
      {EIO, "I/O error"},
      {E2BIG, "Argument list too long"},
      {ENOEXEC, "Exec format error"},
      {EAGAIN, "Resource temporarily unavailable"},
      {ENOMEM, "Out of memory"},
      {EACCES, "Permission denied"},
      {EFAULT, "Bad address"},
      {ENOTDIR, "Not a directory"},
      {EISDIR, "Is a directory"},
      {EINVAL, "Invalid argument"},
      {ENFILE, "Too many open files in system"},
      {EMFILE, "Too many open files"},
      {ENOTTY, "Not a tty"},
      {ETXTBSY, "Text file busy"},
      {ENOSPC, "No space left on device"},
      {ENAMETOOLONG, "Filename too long"},
      {ENOSYS, "Function not implemented"},
      {ELOOP, "Symbolic link loop"},
  };
  for (const auto& [number, text] : expected) {
    testing::CapturedStderr captured;
    log::error(SystemError{number});
    EXPECT_EQ(captured.text(), std::string("[pidone] ") + text + "\n") << number;
  }
}

TEST_F(Log, PrintsOnlyUpToTheVerbosity) {
  CapturedStderr captured;
  log::set_verbosity(log::kDefaultVerbosity);
  log::warning("warning shown");
  log::info("info hidden");
  log::set_verbosity(2);
  log::info("info shown");
  log::debug("debug hidden");
  log::set_verbosity(0);
  log::warning("warning hidden");
  log::error("errors always shown");
  EXPECT_EQ(captured.text(), "[pidone] warning shown\n[pidone] info shown\n[pidone] errors always shown\n");
}

TEST_F(Log, TruncatesOverlongLinesButKeepsTheNewline) {
  CapturedStderr captured;
  log::error(std::string(1000, 'x').c_str());
  const std::string text = captured.text();
  EXPECT_EQ(text.size(), 256u);
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace pidone
