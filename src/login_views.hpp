// The views of the login flow (internal to the flow): the whole view tree and the texts of the live region and
// the error line, each read from a LoginState that they never change.
#pragma once

#include <string>

#include "login_state.hpp"
#include "sls/view.hpp"

namespace sls::flow {

/// The whole view of the state: the current screen and the live region.
Node render_view(const LoginState& s);

/// What the live region says (empty when it is quiet), in s.lang.
std::string announcement_text(const LoginState& s);

/// The error as one line of text in s.lang: message, UI sentence, attempts
/// left and when to try again.
std::string error_text(const LoginState& s, const ShownError& e);

}  // namespace sls::flow
