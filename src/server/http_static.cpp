// Safe resolution of static file paths and their content types (http_static.hpp).
#include "server/http_static.hpp"

#include <system_error>
#include <vector>

#include "server/http_request.hpp"

namespace sls::server {

namespace {

/// A decoded path segment that may name something under the root.
bool is_safe_segment(std::string_view segment) noexcept {
  if (segment.empty() || segment.front() == '.') return false;  // also "." and ".."
  return segment.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

}  // namespace

std::optional<StaticTarget> resolve_static(const std::string& root, std::string_view path) {
  if (root.empty() || path.empty() || path.front() != '/') return std::nullopt;
  const std::vector<std::string> segments = split_path(path);
  std::filesystem::path file(root);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const bool last = i + 1 == segments.size();
    if (last && segments[i].empty()) {
      file /= "index.html";
      break;
    }
    if (!is_safe_segment(segments[i])) return std::nullopt;
    file /= segments[i];
  }
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec) return std::nullopt;
  if (std::filesystem::is_regular_file(status)) return StaticTarget{file, {}};
  if (std::filesystem::is_directory(status) && path.back() != '/') return StaticTarget{{}, std::string(path) + "/"};
  return std::nullopt;
}

std::string_view static_content_type(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".json") return "application/json; charset=utf-8";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace sls::server
