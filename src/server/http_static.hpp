// Static files under slsd's --static directory (the demo): which file a request
// path names, refusing every way out of the directory, and its content type.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace sls::server
