// TrustedProxies and the client address behind them (client_address.hpp).
#include "server/client_address.hpp"

#include <algorithm>
#include <charconv>

namespace sls::server {

namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// A plain IPv4 or IPv6 address, without zone, brackets or port.
std::optional<ip::address> plain_address(std::string_view text) {
  if (text.empty() || text.size() > 45 || text.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  const ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return normalized(a);
}

bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return false;
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  return ec == std::errc() && end == text.data() + text.size() && port <= 65535;
}

/// The list entries, right to left, split at commas (empty ones kept: they
/// are malformed).
std::vector<std::string_view> entries_right_to_left(const std::vector<std::string_view>& lines, std::size_t most) {
  std::vector<std::string_view> out;
  for (auto line = lines.rbegin(); line != lines.rend() && out.size() < most; ++line) {
    std::string_view rest = *line;
    for (;;) {
      const auto comma = rest.rfind(',');
      out.push_back(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
      if (comma == std::string_view::npos || out.size() >= most) break;
      rest = rest.substr(0, comma);
    }
  }
  return out;
}

}  // namespace

ip::address normalized(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

std::optional<ip::address> parse_forwarded_address(std::string_view entry) {
  entry = trim(entry);
  if (entry.empty()) return std::nullopt;
  if (entry.front() == '[') {  // [v6] or [v6]:port
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view after = entry.substr(close + 1);
    if (!after.empty() && !(after.front() == ':' && is_port(after.substr(1)))) return std::nullopt;
    return plain_address(entry.substr(1, close - 1));
  }
  const auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    // One colon: IPv4 with a port.
    if (!is_port(entry.substr(colon + 1))) return std::nullopt;
    auto a = plain_address(entry.substr(0, colon));
    return a && a->is_v4() ? a : std::nullopt;
  }
  return plain_address(entry);
}

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& blocks) {
  TrustedProxies out;
  for (const std::string& text : blocks) {
    auto refuse = [&] { return fail(Errc::bad_argument, {"trusted-proxy", text}); };
    const auto slash = text.find('/');
    auto address = plain_address(std::string_view(text).substr(0, slash));
    if (!address) return refuse();
    const unsigned width = address->is_v4() ? 32 : 128;
    unsigned prefix = width;
    if (slash != std::string::npos) {
      const std::string_view digits = std::string_view(text).substr(slash + 1);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (digits.empty() || digits.size() > 3 || ec != std::errc() || end != digits.data() + digits.size())
        return refuse();
      // ::ffff:10.0.0.0/104 was turned into 10.0.0.0 by plain_address.
      const bool mapped = address->is_v4() && text.find(':') != std::string::npos;
      if (mapped) {
        if (prefix < 96 || prefix > 128) return refuse();
        prefix -= 96;
      }
      if (prefix > width) return refuse();
    }
    Block b;
    b.v4 = address->is_v4();
    b.prefix = prefix;
    if (b.v4) {
      const auto bytes = address->to_v4().to_bytes();
      std::copy(bytes.begin(), bytes.end(), b.bytes.begin());
    } else {
      b.bytes = address->to_v6().to_bytes();
    }
    out.blocks_.push_back(b);
  }
  return out;
}

bool TrustedProxies::in_block(const Block& block, const ip::address& address) noexcept {
  if (block.v4 != address.is_v4()) return false;
  std::array<std::uint8_t, 16> bytes{};
  if (address.is_v4()) {
    const auto v4 = address.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), bytes.begin());
  } else {
    bytes = address.to_v6().to_bytes();
  }
  unsigned bits = block.prefix;
  for (std::size_t i = 0; bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xFFu << (8 - take));
    if ((bytes[i] & mask) != (block.bytes[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

bool TrustedProxies::contains(const ip::address& address) const noexcept {
  const ip::address a = normalized(address);
  for (const Block& b : blocks_)
    if (in_block(b, a)) return true;
  return false;
}

ip::address TrustedProxies::client_address(const ip::address& peer,
                                           const std::vector<std::string_view>& forwarded_for) const {
  const ip::address from = normalized(peer);
  if (!contains(from)) return from;
  // One more than kMaxHops: the hop past the bound tells "too long" apart.
  const auto entries = entries_right_to_left(forwarded_for, kMaxHops + 1);
  if (entries.empty()) return from;
  std::optional<ip::address> last_trusted;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i == kMaxHops) return from;
    const auto a = parse_forwarded_address(entries[i]);
    if (!a) return from;
    if (!contains(*a)) return *a;
    last_trusted = a;
  }
  return last_trusted ? *last_trusted : from;
}

}  // namespace sls::server
