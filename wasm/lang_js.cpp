// JavaScript binding of the language rule: which of the three languages a BCP 47 tag selects.
//
// A file of its own because the <sls-login> module needs this one function
// of the catalog's surface (the element resolves the page's lang for the
// flow); the messages themselves reach it inside LoginFlow's view.
#include <emscripten/bind.h>

#include <string>
#include <vector>

#include "js_conversions.hpp"
#include "sls/lang.hpp"

namespace {

using namespace sls::wasm;

// A tag, or a preference list of tags (navigator.languages): the first
// supported one decides.
val resolve_lang(val tag) {
  if (tag.isArray()) {
    auto tags = strings_of(tag);
    if (!tags) return bad_argument("tag");
    return val(std::string(sls::lang_tag(sls::lang_from_tags(*tags))));
  }
  auto lang = lang_of(tag);
  if (!lang) return bad_argument("tag");
  return val(std::string(sls::lang_tag(*lang)));
}

}  // namespace

EMSCRIPTEN_BINDINGS(sls_lang) { emscripten::function("resolve_lang", &resolve_lang); }
