// The real slsd binary as a child process, for the tests that need a
// process to kill or several nodes on one store (not installed).
#pragma once

#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;  // NOLINT(readability-redundant-declaration): posix_spawn's environment

namespace sls::server::testing {

/// slsd on the store `db` (a SQLite file or a PostgreSQL URL) with a port
/// of its own on 127.0.0.1, started with `--port 0 --quiet --max-queue 1000`
/// and `extra` arguments. The constructor returns once slsd prints its
/// address; it throws when slsd cannot start. Stopped with SIGTERM when
/// destroyed, unless stop() ended it first.
class SlsdProcess {
 public:
  explicit SlsdProcess(const std::string& db, const std::vector<std::string>& extra = {}) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> args = {SLS_SLSD_PATH, "--db", db, "--port", "0", "--quiet", "--max-queue", "1000"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int spawned = posix_spawn(&pid_, SLS_SLSD_PATH, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (spawned != 0) {
      ::close(out[0]);
      throw std::runtime_error("spawn");
    }
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    const auto colon = line.rfind(':');
    if (colon == std::string::npos) {
      stop(SIGKILL);
      throw std::runtime_error("slsd did not start: " + line);
    }
    port_ = std::stoi(line.substr(colon + 1));
  }
  ~SlsdProcess() { stop(SIGTERM); }
  SlsdProcess(const SlsdProcess&) = delete;
  SlsdProcess& operator=(const SlsdProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  /// Sends `sig` and waits for the process to end (SIGKILL: a crash).
  void stop(int sig) {
    if (pid_ <= 0) return;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace sls::server::testing
