#include "children.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace pidone {
namespace {

TEST(Children, SignalsEveryChildOfTheParentAndNoOther) {
  std::vector<pid_t> children;
  for (int i = 0; i < 3; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      pause();
      _exit(0);
    }
    children.push_back(pid);
  }
  EXPECT_EQ(signal_children_of(getpid(), SIGTERM), 3);
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGTERM);
  }
  EXPECT_EQ(signal_children_of(getpid(), SIGTERM), 0);
}

}  // namespace
}  // namespace pidone
