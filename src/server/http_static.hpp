// Static files under slsd's --static directory (the demo): which file a request
// path names, refusing every way out of the directory, its content type, and
// what a CDN does with it: the precompressed copy the client accepts, a
// strong ETag, and its caching policy (docs/server-http.md, "Static files").
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sls/result.hpp"

namespace sls::server {

/// What a GET or HEAD of a path under the static directory gives.
struct StaticTarget {
  /// A regular file to send...
  std::filesystem::path file;
  /// ...or, for a directory named without its trailing '/', where to
  /// redirect (the path with '/' added) so that its page's relative links work.
  std::string redirect;
};

/// The file or redirect that `path` (a request target's path, not yet
/// percent-decoded) names under `root`, or nullopt: no such file, or a path
/// that could leave `root` or reach a hidden file. Refused after decoding: a
/// ".." or "." segment, any segment starting with '.', an empty segment other
/// than the last ("//"), and a backslash, NUL or '/' (from %2F) in a segment.
/// A path ending in '/' names the directory's index.html.
std::optional<StaticTarget> resolve_static(const std::string& root, std::string_view path);

/// The Content-Type for a file name by its extension (.html .js .mjs .css
/// .wasm .svg .json .png .ico .txt); application/octet-stream otherwise.
std::string_view static_content_type(const std::filesystem::path& file);

/// Whether `source` may stand in the frame-ancestors list of the static
/// files' policy (slsd --frame-ancestors): 'self', 'none', or an origin
/// written as the browser writes it, scheme://host[:port] (https with a DNS
/// name or IPv4 address, http only for 127.0.0.1 and localhost, no default
/// port; the QR payload's origin rule). Nothing else: no path, wildcard,
/// scheme-only source, space or separator, so a source can never add a
/// directive to the header.
bool is_frame_ancestor_source(std::string_view source);

/// Checks a whole frame-ancestors list: at least one source, each one
/// is_frame_ancestor_source, and 'none' only alone. Fails with bad_argument,
/// args {"frame-ancestors", the first source refused} ("" for an empty list).
Status validate_frame_ancestors(const std::vector<std::string>& sources);

/// The Content-Security-Policy of every static file (kContentSecurityPolicy
/// in http_api.hpp) with `frame_ancestors` as its frame-ancestors sources;
/// with {"'self'"} it is kContentSecurityPolicy. Validate the list first.
std::string static_content_security_policy(const std::vector<std::string>& frame_ancestors);

/// A content coding of a static file: the file itself, or its copy made at
/// build time (FILE.gz, FILE.br; cmake/PrecompressWeb.cmake).
enum class ContentCoding { identity, gzip, br };

/// "identity", "gzip" or "br".
std::string_view coding_name(ContentCoding coding);

/// The codings worth trying for a request's Accept-Encoding, best first:
/// br and gzip by their q-value (q=0 refuses; `*` stands for a coding not
/// named; a tie goes to br, the smaller), always ending with identity, which
/// is sent even when refused (rather than 406). No header: identity only.
std::vector<ContentCoding> acceptable_codings(std::string_view accept_encoding);

/// Whether an If-None-Match value (a list of entity tags, or `*`) matches
/// `etag` by the weak comparison RFC 9110 asks for this header.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

/// Whether a file name carries its content's hash (a dot-separated part of
/// at least 8 hexadecimal digits before the extension: app.3f9a1c2e.js);
/// such a file is cached for a year as immutable, any other is revalidated.
bool is_content_hashed_name(const std::filesystem::path& file);

/// One representation of a static file: its bytes and strong ETag (a hash of
/// those bytes, quoted).
struct StaticBody {
  std::string bytes;
  std::string etag;
};

/// The static files read so far, kept in memory with their ETags so that a
/// file is read and hashed once per change (size or modification time).
/// Thread-safe. Files over kMaxCachedBytes are read every time.
class StaticFiles {
 public:
  static constexpr std::size_t kMaxCachedBytes = std::size_t{4} << 20;
  static constexpr std::size_t kMaxEntries = 1024;

  /// The bytes and ETag of `file`, or nullopt if it cannot be read. With
  /// `memory_only`, nullopt too when they are not in memory already (the
  /// caller may not wait for the disk).
  std::optional<StaticBody> load(const std::filesystem::path& file, bool memory_only = false);

  /// The file to send for `coding`: `file` for identity, else its copy
  /// FILE.gz / FILE.br if it is a regular file at least as new as `file`
  /// (a stale copy from before an edit is never sent), else nullopt.
  static std::optional<std::filesystem::path> variant(const std::filesystem::path& file, ContentCoding coding);

 private:
  struct Entry {
    std::filesystem::file_time_type modified;
    std::uintmax_t size = 0;
    StaticBody body;
  };
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace sls::server
