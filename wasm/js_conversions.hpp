// Conversions between JavaScript values and core types, shared by every binding file of wasm/.
//
// The JS surface is documented in web/sls-core.d.ts. Its conventions:
//  - names are the core's names (snake_case), so one concept has one name;
//  - a fallible function returns {ok: true, value} or {ok: false, error},
//    where error is {code, args, message}: the stable wire name, the message
//    arguments and the message in the language of the `lang` argument (any
//    BCP 47 tag; see lang_of); the one class, LoginFlow, returns
//    {effects, view, error} instead, error being null unless an argument
//    was wrong;
//  - values are plain JS objects, strings, numbers and booleans; binary data
//    (keys, signatures) crosses as lower-case hexadecimal;
//  - nothing throws for bad input: the core never throws, and a JS value of
//    the wrong type is refused by every function the same way, with the
//    failure bad_argument() makes, {ok: false, error: {code: "bad_argument",
//    args: [parameter], message}}, even from functions whose answer is
//    otherwise a plain value. (Embind itself throws when a function is called
//    with the wrong NUMBER of arguments: callers pass undefined rather than
//    leave one out.)
// Which binding files go into which module is chosen in wasm/CMakeLists.txt.
#pragma once

#include <emscripten/val.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sls/lang.hpp"
#include "sls/result.hpp"
#include "sls/secure.hpp"

namespace sls::wasm {

using emscripten::val;

/// The string in `value`, or nullopt if it is not a JS string.
std::optional<std::string> string_of(const val& value);

/// An integer in `value`: a JS number that is an integer within ±2^53, or a
/// bigint or string of at most 18 decimal digits with an optional leading
/// '-' (so it cannot overflow int64). nullopt otherwise.
std::optional<std::int64_t> int64_of(const val& value);

/// A non-negative integer (see int64_of).
std::optional<std::uint64_t> uint64_of(const val& value);

/// A count (of cells, an index): a non-negative integer that fits size_t.
std::optional<std::size_t> count_of(const val& value);

/// Bytes from a hexadecimal JS string (either case, even length).
std::optional<std::vector<std::uint8_t>> bytes_of_hex(const val& value);

/// A property of a JS object, or undefined when `object` is not an object.
val property(const val& object, const char* name);

bool is_absent(const val& value);
bool is_object(const val& value);

/// The language of a `lang` parameter: any string (a BCP 47 tag, see
/// sls::lang_from_tag), or undefined / null for English; nullopt for any
/// other value, which the caller refuses with bad_argument("lang", ...).
std::optional<Lang> lang_of(const val& tag);

/// A JS array of strings (undefined or null: none); nullopt when `items` is
/// something else or holds a non-string.
std::optional<std::vector<std::string>> strings_of(const val& items);

val js_string_array(const std::vector<std::string>& items);

/// A Uint8Array copied out of the module's memory.
val js_bytes(const std::vector<std::uint8_t>& bytes);

/// {code, args, message}, the message in `lang`.
val error_to_js(const Error& error, Lang lang);
val error_to_js(Errc code, Lang lang);

/// {ok: true, value}.
val ok_to_js(val value);

/// {ok: false, error}.
val failure_to_js(const Error& error, Lang lang);

/// The one way every binding refuses a wrong JS argument: the failure
/// {ok: false, error} with code bad_argument and args [parameter], the
/// message in `lang` (English when the `lang` argument itself is wrong).
val bad_argument(const char* parameter, Lang lang = Lang::en);

/// The error bad_argument() carries, for outputs that hold an error field
/// instead of being a failure (LoginFlow's {effects, view, error}).
Error bad_argument_error(const char* parameter);

/// {ok, value | error} from a Result, converting the value with `to_js`.
template <class T, class ToJs>
val result_to_js(const Result<T>& result, Lang lang, ToJs to_js) {
  return result.ok() ? ok_to_js(to_js(result.value())) : failure_to_js(result.error(), lang);
}

val string_result_to_js(const Result<std::string>& result, Lang lang);
val status_to_js(const Status& status, Lang lang);

}  // namespace sls::wasm
