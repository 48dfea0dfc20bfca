// Fuzzes the Accept-Language reader of the reference server
// (server/accept_language.hpp), which sees every request's header as sent.
//
// Properties, beyond no crash, no undefined behaviour and no leak:
//  - the answer is one of the three languages, and Chinese only when the
//    header names "zh" (in any case);
//  - an English range with q=0 appended after the others never changes the
//    answer (a range wins only with a strictly higher q, the first on ties).
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "server/accept_language.hpp"

namespace {

bool names_zh(std::string_view header) {
  for (std::size_t i = 0; i + 1 < header.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) == 'z' &&
        std::tolower(static_cast<unsigned char>(header[i + 1])) == 'h')
      return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  using sls::Lang;

  const Lang lang = sls::server::lang_from_accept_language(header);
  FUZZ_CHECK(lang == Lang::en || lang == Lang::zh_Hant || lang == Lang::zh_Hans);
  if (lang != Lang::en) FUZZ_CHECK(names_zh(header));

  FUZZ_CHECK(sls::server::lang_from_accept_language(std::string(header) + ",en;q=0") == lang);
  return 0;
}
