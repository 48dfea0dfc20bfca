// Who the client is when slsd sits behind reverse proxies (slsd
// --trusted-proxy; docs/proxies.md): the TCP peer, unless the peer is a
// proxy the operator trusts, in which case the right-most address of
// X-Forwarded-For that is not itself a trusted proxy. Every per-address
// limit, the request log, the audit log and a login's client_addr use it.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sls/result.hpp"

namespace sls::server {

/// `address` with an IPv4-mapped IPv6 address (::ffff:192.0.2.1, what a
/// dual-stack socket reports for an IPv4 client) turned into the IPv4 one,
/// so that one client has one text and one bucket whichever way it came.
boost::asio::ip::address normalized(const boost::asio::ip::address& address);

/// One entry of X-Forwarded-For as proxies write it: an IPv4 or IPv6
/// address, an IPv6 one in brackets, either with a ":port" after it (some
/// proxies add the client's port). Spaces around it are ignored. nullopt for
/// anything else ("unknown", a host name, an IPv6 zone, garbage).
std::optional<boost::asio::ip::address> parse_forwarded_address(std::string_view entry);

/// A set of address blocks (CIDR) whose X-Forwarded-For is believed.
class TrustedProxies {
 public:
  TrustedProxies() = default;

  /// Parses each of `blocks`: "10.0.0.0/8", "fd00::/8", or a lone address
  /// ("127.0.0.1", "::1") for just that one. Bits set past the prefix are
  /// ignored (10.1.2.3/8 is 10.0.0.0/8). Fails with bad_argument, args
  /// {"trusted-proxy", the first block refused}.
  static Result<TrustedProxies> parse(const std::vector<std::string>& blocks);

  bool empty() const noexcept { return blocks_.empty(); }
  /// Whether `address` (normalized) lies in one of the blocks.
  bool contains(const boost::asio::ip::address& address) const noexcept;

  /// The client of a request from TCP peer `peer` whose X-Forwarded-For
  /// header lines are `forwarded_for`, in the order they came (several lines
  /// count as one list joined with commas). An untrusted peer is the client,
  /// whatever the header says. For a trusted peer the list is read from the
  /// right (the entry its proxy added last) and the first entry that is not
  /// a trusted proxy is the client; when every entry is trusted, the
  /// left-most one. A missing, empty or malformed list (a malformed entry
  /// reached before the client is found), or more than kMaxHops entries
  /// all trusted, gives the peer: never an error for a header a proxy added.
  /// The result is normalized.
  boost::asio::ip::address client_address(const boost::asio::ip::address& peer,
                                          const std::vector<std::string_view>& forwarded_for) const;

  /// Trusted entries read from the right before giving up (a chain of
  /// proxies is a handful; the header is bounded by the head size anyway).
  static constexpr std::size_t kMaxHops = 32;

 private:
  struct Block {
    bool v4 = true;
    std::array<std::uint8_t, 16> bytes{};
    unsigned prefix = 0;
  };
  static bool in_block(const Block& block, const boost::asio::ip::address& address) noexcept;
  std::vector<Block> blocks_;
};

}  // namespace sls::server
