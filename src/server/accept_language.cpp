// Picks the language of a request from its Accept-Language header.
#include "server/accept_language.hpp"

#include <cctype>
#include <cstddef>

namespace sls::server {

Lang lang_from_accept_language(std::string_view header) noexcept {
  Lang best = Lang::en;
  double best_q = -1;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    std::size_t end = header.find(',', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(pos, end - pos);
    std::string_view tag = item.substr(0, item.find(';'));
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    double q = 1.0;
    if (auto qp = item.find(";q="); qp != std::string_view::npos) {
      std::string_view qs = item.substr(qp + 3);
      // q values are "0", "1" or "0.ddd" (RFC 9110); anything else counts as 0.
      q = 0;
      if (!qs.empty() && qs[0] == '1')
        q = 1;
      else if (qs.size() >= 3 && qs[0] == '0' && qs[1] == '.') {
        double scale = 0.1;
        for (std::size_t i = 2; i < qs.size() && i < 5 && std::isdigit(static_cast<unsigned char>(qs[i])); ++i) {
          q += (qs[i] - '0') * scale;
          scale /= 10;
        }
      }
    }
    if (!tag.empty() && tag != "*" && q > best_q) {
      best_q = q;
      best = lang_from_tag(tag);
    }
    pos = end + 1;
  }
  return best;
}

}  // namespace sls::server
