// Safe resolution of static file paths and their content types (http_static.hpp).
#include "server/http_static.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <span>
#include <system_error>
#include <vector>

#include "server/http_request.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"

namespace sls::server {

namespace {

/// A decoded path segment that may name something under the root.
bool is_safe_segment(std::string_view segment) noexcept {
  if (segment.empty() || segment.front() == '.') return false;  // also "." and ".."
  return segment.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

/// The items of a comma-separated header value, trimmed, empty ones dropped.
std::vector<std::string_view> list_items(std::string_view value) {
  std::vector<std::string_view> out;
  while (!value.empty()) {
    const auto comma = value.find(',');
    const std::string_view item = trim(value.substr(0, comma));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

/// A q-value ("1", "0.5", "0.000") in thousandths; 1000 when absent, 0 when
/// it does not parse (a client that sends nonsense gets no compression).
int q_value(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
    p.remove_prefix(2);
    if (p.empty() || (p[0] != '0' && p[0] != '1')) return 0;
    int q = (p[0] - '0') * 1000;
    if (p.size() > 1) {
      if (p[1] != '.' || p.size() > 5) return 0;
      int scale = 100;
      for (char c : p.substr(2)) {
        if (c < '0' || c > '9') return 0;
        q += (c - '0') * scale;
        scale /= 10;
      }
    }
    return q > 1000 ? 0 : q;
  }
  return 1000;
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

bool is_frame_ancestor_source(std::string_view source) {
  if (source == "'self'" || source == "'none'") return true;
  // The QR payload's origin rule: https://host[:port], http only on
  // loopback, no default port, and nothing after the port.
  return static_cast<bool>(validate_payload_origin(source));
}

Status validate_frame_ancestors(const std::vector<std::string>& sources) {
  if (sources.empty()) return fail(Errc::bad_argument, {"frame-ancestors", ""});
  for (const std::string& source : sources) {
    if (!is_frame_ancestor_source(source)) return fail(Errc::bad_argument, {"frame-ancestors", source});
    if (source == "'none'" && sources.size() > 1) return fail(Errc::bad_argument, {"frame-ancestors", source});
  }
  return ok_status();
}

std::string static_content_security_policy(const std::vector<std::string>& frame_ancestors) {
  std::string policy =
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; "
      "base-uri 'none'; form-action 'self'; frame-ancestors";
  for (const std::string& source : frame_ancestors) policy += " " + source;
  return policy;
}

std::string_view coding_name(ContentCoding coding) {
  switch (coding) {
    case ContentCoding::gzip: return "gzip";
    case ContentCoding::br: return "br";
    case ContentCoding::identity: break;
  }
  return "identity";
}

std::vector<ContentCoding> acceptable_codings(std::string_view accept_encoding) {
  int br = -1, gzip = -1, star = -1;  // -1: not named
  for (std::string_view item : list_items(accept_encoding)) {
    const auto semi = item.find(';');
    const std::string_view name = trim(item.substr(0, semi));
    const int q = semi == std::string_view::npos ? 1000 : q_value(item.substr(semi + 1));
    if (iequals(name, "br"))
      br = q;
    else if (iequals(name, "gzip") || iequals(name, "x-gzip"))
      gzip = q;
    else if (name == "*")
      star = q;
  }
  if (br < 0) br = std::max(star, 0);
  if (gzip < 0) gzip = std::max(star, 0);
  std::vector<ContentCoding> out;
  if (br > 0 && br >= gzip) out.push_back(ContentCoding::br);
  if (gzip > 0) out.push_back(ContentCoding::gzip);
  if (br > 0 && br < gzip) out.push_back(ContentCoding::br);
  out.push_back(ContentCoding::identity);
  return out;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  auto opaque = [](std::string_view tag) {
    if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
    return tag;
  };
  for (std::string_view tag : list_items(if_none_match))
    if (opaque(tag) == opaque(etag)) return true;
  return false;
}

bool is_content_hashed_name(const std::filesystem::path& file) {
  const std::string stem = file.stem().string();  // "app.3f9a1c2e" of "app.3f9a1c2e.js"
  const auto dot = stem.rfind('.');
  if (dot == std::string::npos) return false;
  const std::string_view hash = std::string_view(stem).substr(dot + 1);
  return hash.size() >= 8 && std::all_of(hash.begin(), hash.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

std::optional<std::filesystem::path> StaticFiles::variant(const std::filesystem::path& file, ContentCoding coding) {
  if (coding == ContentCoding::identity) return file;
  std::filesystem::path copy = file;
  copy += coding == ContentCoding::br ? ".br" : ".gz";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(copy, ec)) return std::nullopt;
  const auto copy_time = std::filesystem::last_write_time(copy, ec);
  if (ec) return std::nullopt;
  const auto file_time = std::filesystem::last_write_time(file, ec);
  if (ec || copy_time < file_time) return std::nullopt;
  return copy;
}

std::optional<StaticBody> StaticFiles::load(const std::filesystem::path& file, bool memory_only) {
  std::error_code ec;
  const auto modified = std::filesystem::last_write_time(file, ec);
  if (ec) return std::nullopt;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return std::nullopt;
  const std::string key = file.string();
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.modified == modified && it->second.size == size) return it->second.body;
  }
  if (memory_only) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  StaticBody body;
  body.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  std::array<std::uint8_t, 16> hash{};
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(body.bytes.data()),
                     body.bytes.size(), nullptr, 0);
  body.etag = "\"" + to_hex(hash) + "\"";
  if (body.bytes.size() == size && size <= kMaxCachedBytes) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_[key] = Entry{modified, size, body};
  }
  return body;
}

}  // namespace sls::server
