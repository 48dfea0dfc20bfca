// What slsctl's command files share (not installed): the error and usage
// answers, the time format, and the device lifecycle's commands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/enrolment.hpp"
#include "sls/error.hpp"

namespace sls::server::slsctl {

/// Prints the error (its English message and code) to stderr; returns 1.
int fail_with(const Error& e);
/// Prints `msg` and the usage to stderr; returns 2.
int usage_error(const std::string& msg);
/// "YYYY-MM-DDTHH:MM:SSZ", or "-" for 0 and before.
std::string format_time(std::int64_t t);

/// Runs `pos[0]` when it is one of sharing, order, device-returned, deposit,
/// revoke-device, phone or history (slsctl_lifecycle.cpp): the exit code;
/// nullopt for any other command.
std::optional<int> run_lifecycle_command(Enrolment& admin, const std::vector<std::string>& pos, std::size_t limit,
                                         bool pending_only, const std::string& reason);

}  // namespace sls::server::slsctl
