// The records' SQL tables: one column list per record, from which SQL text and binding derive (both stores).
//
// Not installed. A Table lists each column once, with how its value is bound
// and read; enum fields go through their text (records.hpp), and a stored
// text that names no value reads as a fault (Errc::internal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "server/records.hpp"
#include "server/sql_db.hpp"
#include "server/try.hpp"
#include "sls/device.hpp"
#include "sls/result.hpp"

namespace sls::server::sql_rows {

/// One column of a record's table: its name, and how a record's field is
/// bound to parameter `index` and read back from result column `column`.
template <class R>
struct Column {
  std::string_view name;
  void (*bind)(SqlStatement& s, int index, const R& record);
  Status (*read)(const SqlStatement& s, int column, R& record);
};

// --- values: one bind and one read per field type ----------------------------------------

inline void bind_value(SqlStatement& s, int i, const std::string& v) { s.bind(i, v); }
inline void bind_value(SqlStatement& s, int i, std::int64_t v) { s.bind(i, v); }
inline void bind_value(SqlStatement& s, int i, bool v) { s.bind(i, std::int64_t{v ? 1 : 0}); }
inline void bind_value(SqlStatement& s, int i, const Bytes& v) { s.bind_blob(i, v); }
inline void bind_value(SqlStatement& s, int i, DeviceKind v) { s.bind(i, device_kind_id(v)); }
inline void bind_value(SqlStatement& s, int i, const std::optional<DeviceKind>& v) {
  s.bind(i, v ? device_kind_id(*v) : std::string_view());
}
template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
void bind_value(SqlStatement& s, int i, E v) {
  s.bind(i, to_text(v));
}
template <class E>
void bind_value(SqlStatement& s, int i, const std::optional<E>& v) {
  s.bind(i, v ? to_text(*v) : std::string_view());
}

inline Status read_value(const SqlStatement& s, int c, std::string& v) {
  v = s.column_text(c);
  return ok_status();
}
inline Status read_value(const SqlStatement& s, int c, std::int64_t& v) {
  v = s.column_int(c);
  return ok_status();
}
inline Status read_value(const SqlStatement& s, int c, bool& v) {
  v = s.column_int(c) != 0;
  return ok_status();
}
inline Status read_value(const SqlStatement& s, int c, Bytes& v) {
  v = s.column_blob(c);
  return ok_status();
}
inline Status read_value(const SqlStatement& s, int c, DeviceKind& v) {
  const std::string text = s.column_text(c);
  auto kind = parse_device_kind(text);
  if (!kind) return fail(Errc::internal, {"stored device kind", text});
  v = *kind;
  return ok_status();
}
/// "" (or NULL) reads as nullopt.
inline Status read_value(const SqlStatement& s, int c, std::optional<DeviceKind>& v) {
  if (s.column_text(c).empty()) {
    v.reset();
    return ok_status();
  }
  DeviceKind kind{};
  if (auto st = read_value(s, c, kind); !st) return st;
  v = kind;
  return ok_status();
}
template <class E, class = std::enable_if_t<std::is_enum_v<E>>>
Status read_value(const SqlStatement& s, int c, E& v) {
  const std::string text = s.column_text(c);
  auto value = from_text<E>(text);
  if (!value) return fail(Errc::internal, {"stored value", text});
  v = *value;
  return ok_status();
}
/// "" (or NULL) reads as nullopt.
template <class E>
Status read_value(const SqlStatement& s, int c, std::optional<E>& v) {
  if (s.column_text(c).empty()) {
    v.reset();
    return ok_status();
  }
  E value{};
  if (auto st = read_value(s, c, value); !st) return st;
  v = value;
  return ok_status();
}

// --- columns from fields ----------------------------------------------------------------------

template <class M>
struct MemberOf;
template <class R, class F>
struct MemberOf<F R::*> {
  using record = R;
};

/// The column `name` holding the field `Field` of its record.
template <auto Field>
constexpr Column<typename MemberOf<decltype(Field)>::record> field(std::string_view name) {
  using R = typename MemberOf<decltype(Field)>::record;
  return {name, [](SqlStatement& s, int i, const R& r) { bind_value(s, i, r.*Field); },
          [](const SqlStatement& s, int c, R& r) { return read_value(s, c, r.*Field); }};
}

/// The column `name` holding the part `Part` of a failure counter `Counter`.
template <auto Counter, auto Part>
constexpr Column<typename MemberOf<decltype(Counter)>::record> counter(std::string_view name) {
  using R = typename MemberOf<decltype(Counter)>::record;
  return {name, [](SqlStatement& s, int i, const R& r) { bind_value(s, i, (r.*Counter).*Part); },
          [](const SqlStatement& s, int c, R& r) { return read_value(s, c, (r.*Counter).*Part); }};
}

/// The four columns of a failure counter, named `prefix` + consecutive,
/// since_lock, locks, and `until_column` (the columns of migration 1 and 4).
#define SLS_COUNTER_COLUMNS(counter_field, prefix, until_column)                \
  counter<counter_field, &FailureCounter::consecutive>(prefix "consecutive"),   \
      counter<counter_field, &FailureCounter::since_lock>(prefix "since_lock"), \
      counter<counter_field, &FailureCounter::locks>(prefix "locks"),           \
      counter<counter_field, &FailureCounter::locked_until>(until_column)

// --- tables ---------------------------------------------------------------------------------

/// A record's table; its first column is the key that UPDATE matches.
template <class R>
struct Table {
  std::string_view name;
  std::span<const Column<R>> columns;

  /// "a, b, c": the column list in table order.
  std::string column_list() const {
    std::string out;
    for (const auto& c : columns) {
      if (!out.empty()) out += ", ";
      out += c.name;
    }
    return out;
  }
  /// "SELECT a, b, c FROM t " followed by `rest` (a WHERE or ORDER clause).
  std::string select(std::string_view rest) const {
    return "SELECT " + column_list() + " FROM " + std::string(name) + " " + std::string(rest);
  }
  /// "INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3)".
  std::string insert() const {
    std::string values;
    for (std::size_t i = 1; i <= columns.size(); ++i) values += (i > 1 ? ", ?" : "?") + std::to_string(i);
    return "INSERT INTO " + std::string(name) + " (" + column_list() + ") VALUES (" + values + ")";
  }
  /// "INSERT INTO t (b, c) VALUES (?1, ?2) RETURNING a": the database
  /// assigns the key (the first column) and returns it; bind with
  /// bind_after_key().
  std::string insert_returning_key() const {
    std::string names;
    std::string values;
    for (std::size_t i = 1; i < columns.size(); ++i) {
      names += (i > 1 ? ", " : "") + std::string(columns[i].name);
      values += (i > 1 ? ", ?" : "?") + std::to_string(i);
    }
    return "INSERT INTO " + std::string(name) + " (" + names + ") VALUES (" + values + ") RETURNING " +
           std::string(columns[0].name);
  }
  /// Binds every column of `r` but the first to ?1..?n-1 in table order.
  void bind_after_key(SqlStatement& s, const R& r) const {
    for (std::size_t i = 1; i < columns.size(); ++i) columns[i].bind(s, static_cast<int>(i), r);
  }
  /// "UPDATE t SET b = ?2, c = ?3 WHERE a = ?1".
  std::string update() const {
    std::string set;
    for (std::size_t i = 1; i < columns.size(); ++i)
      set += (i > 1 ? ", " : "") + std::string(columns[i].name) + " = ?" + std::to_string(i + 1);
    return "UPDATE " + std::string(name) + " SET " + set + " WHERE " + std::string(columns[0].name) + " = ?1";
  }
  /// Binds every column of `r` to ?1..?n in table order.
  void bind(SqlStatement& s, const R& r) const {
    for (std::size_t i = 0; i < columns.size(); ++i) columns[i].bind(s, static_cast<int>(i + 1), r);
  }
  /// The record of the current row of a statement made by select().
  Result<R> read(const SqlStatement& s) const {
    R r;
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (auto st = columns[i].read(s, static_cast<int>(i), r); !st) return st.error();
    return r;
  }
  /// read() as a function object, for the store's query helpers.
  auto reader() const {
    return [this](const SqlStatement& s) { return read(s); };
  }
};

inline constexpr Column<UserRecord> kUserColumns[] = {
    field<&UserRecord::id>("id"),
    field<&UserRecord::username>("username"),
    field<&UserRecord::password_hash>("password_hash"),
    field<&UserRecord::opted_out>("opted_out"),
    SLS_COUNTER_COLUMNS(&UserRecord::second_factor_failures, "fail_", "locked_until"),
    field<&UserRecord::created_at>("created_at"),
    SLS_COUNTER_COLUMNS(&UserRecord::password_failures, "password_fail_", "password_locked_until"),
    SLS_COUNTER_COLUMNS(&UserRecord::activation_failures, "activation_fail_", "activation_locked_until"),
    field<&UserRecord::password_checks>("password_checks"),
    field<&UserRecord::password_checks_at>("password_checks_at"),
};
inline constexpr Table<UserRecord> kUsers{"users", kUserColumns};

inline constexpr Column<DeviceRecord> kDeviceColumns[] = {
    field<&DeviceRecord::id>("id"),
    field<&DeviceRecord::user_id>("user_id"),
    field<&DeviceRecord::kind>("kind"),
    field<&DeviceRecord::label>("label"),
    field<&DeviceRecord::status>("status"),
    field<&DeviceRecord::sealed_secret>("sealed_secret"),
    field<&DeviceRecord::sealed_pin_hash>("sealed_pin_hash"),
    field<&DeviceRecord::code_hash>("code_hash"),
    field<&DeviceRecord::ocra_suite>("ocra_suite"),
    field<&DeviceRecord::phone>("phone"),
    field<&DeviceRecord::sign_public_key>("sign_public_key"),
    field<&DeviceRecord::serial>("serial"),
    field<&DeviceRecord::access>("access"),
    field<&DeviceRecord::activated_at>("activated_at"),
    field<&DeviceRecord::expires_at>("expires_at"),
    field<&DeviceRecord::used_cells>("used_cells"),
    field<&DeviceRecord::last_sms_at>("last_sms_at"),
    SLS_COUNTER_COLUMNS(&DeviceRecord::failures, "fail_", "locked_until"),
    field<&DeviceRecord::created_at>("created_at"),
    field<&DeviceRecord::open_question>("open_question"),
    field<&DeviceRecord::open_question_expires_at>("open_question_expires_at"),
    field<&DeviceRecord::replaces>("replaces"),
    field<&DeviceRecord::shipped_at>("shipped_at"),
    field<&DeviceRecord::replace_with>("replace_with"),
    field<&DeviceRecord::replace_until>("replace_until"),
    field<&DeviceRecord::codes_sent>("codes_sent"),
    field<&DeviceRecord::may_add_phone>("may_add_phone"),
    field<&DeviceRecord::sealed_recovery_pin>("sealed_recovery_pin"),
};
inline constexpr Table<DeviceRecord> kDevices{"devices", kDeviceColumns};

inline constexpr Column<LoginRecord> kLoginColumns[] = {
    field<&LoginRecord::id>("id"),
    field<&LoginRecord::user_id>("user_id"),
    field<&LoginRecord::state>("state"),
    field<&LoginRecord::client_addr>("client_addr"),
    field<&LoginRecord::created_at>("created_at"),
    field<&LoginRecord::expires_at>("expires_at"),
    field<&LoginRecord::verified_device_id>("verified_device_id"),
    field<&LoginRecord::verified_kind>("verified_kind"),
    field<&LoginRecord::access>("access"),
    field<&LoginRecord::token_hash>("token_hash"),
    field<&LoginRecord::token_expires_at>("token_expires_at"),
    field<&LoginRecord::secret_hash>("secret_hash"),
    field<&LoginRecord::step_up_session>("step_up_session"),
};
inline constexpr Table<LoginRecord> kLogins{"logins", kLoginColumns};

inline constexpr Column<ChallengeRecord> kChallengeColumns[] = {
    field<&ChallengeRecord::id>("id"),
    field<&ChallengeRecord::login_id>("login_id"),
    field<&ChallengeRecord::device_id>("device_id"),
    field<&ChallengeRecord::method>("method"),
    field<&ChallengeRecord::state>("state"),
    field<&ChallengeRecord::question>("question"),
    field<&ChallengeRecord::code_hash>("code_hash"),
    field<&ChallengeRecord::answered_by>("answered_by"),
    field<&ChallengeRecord::created_at>("created_at"),
    field<&ChallengeRecord::expires_at>("expires_at"),
};
inline constexpr Table<ChallengeRecord> kChallenges{"challenges", kChallengeColumns};

inline constexpr Column<PushRecord> kPushColumns[] = {
    field<&PushRecord::id>("id"),
    field<&PushRecord::login_id>("login_id"),
    field<&PushRecord::user_id>("user_id"),
    field<&PushRecord::device_id>("device_id"),
    field<&PushRecord::number>("number"),
    field<&PushRecord::status>("status"),
    field<&PushRecord::origin>("origin"),
    field<&PushRecord::created_at>("created_at"),
    field<&PushRecord::expires_at>("expires_at"),
    field<&PushRecord::decided_at>("decided_at"),
};
inline constexpr Table<PushRecord> kPushes{"pushes", kPushColumns};

// clang-format off: one column a line, as in the tables above
inline constexpr Column<SessionRecord> kSessionColumns[] = {
    field<&SessionRecord::token_hash>("token_hash"),
    field<&SessionRecord::user_id>("user_id"),
    field<&SessionRecord::login_id>("login_id"),
    field<&SessionRecord::device_kind>("device_kind"),
    field<&SessionRecord::access>("access"),
    field<&SessionRecord::created_at>("created_at"),
    field<&SessionRecord::expires_at>("expires_at"),
    field<&SessionRecord::amr>("amr"),
    field<&SessionRecord::last_seen_at>("last_seen_at"),
    field<&SessionRecord::idle_expires_at>("idle_expires_at"),
    field<&SessionRecord::second_factor_at>("second_factor_at"),
};
inline constexpr Column<AccountRecord> kAccountColumns[] = {
    field<&AccountRecord::id>("id"),
    field<&AccountRecord::name>("name"),
    field<&AccountRecord::opted_out>("opted_out"),
    field<&AccountRecord::created_at>("created_at"),
};
inline constexpr Column<AccountUserRecord> kAccountUserColumns[] = {
    field<&AccountUserRecord::account_id>("account_id"),
    field<&AccountUserRecord::user_id>("user_id"),
    field<&AccountUserRecord::is_primary>("is_primary"),
    field<&AccountUserRecord::added_at>("added_at"),
};
// clang-format on
inline constexpr Table<SessionRecord> kSessions{"sessions", kSessionColumns};
inline constexpr Table<AccountRecord> kAccounts{"accounts", kAccountColumns};
inline constexpr Table<AccountUserRecord> kAccountUsers{"account_users", kAccountUserColumns};

#undef SLS_COUNTER_COLUMNS

// --- running statements: shared by the store's files (sqlite_store.cpp,
// sql_withdrawals.cpp, ...) ---------------------------------------------

/// Runs a query expected to return at most one row, mapped by `read` (which
/// returns the row or a Result of it: a fault for a row it cannot read).
template <class Row, class Bind, class Read>
Result<std::optional<Row>> query_one(SqlConnection& db, const std::string& text, Bind bind, Read read) {
  SLS_TRY_ASSIGN(st, db.statement(text));
  bind(*st);
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Row>{};
  Result<Row> value = read(*st);
  if (!value) return value.error();
  return std::optional<Row>{std::move(*value)};
}

template <class Row, class Bind, class Read>
Result<std::vector<Row>> query_all(SqlConnection& db, const std::string& text, Bind bind, Read read) {
  SLS_TRY_ASSIGN(st, db.statement(text));
  bind(*st);
  std::vector<Row> rows;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    Result<Row> value = read(*st);
    if (!value) return value.error();
    rows.push_back(std::move(*value));
  }
  return rows;
}

template <class Bind>
Status execute(SqlConnection& db, const std::string& text, Bind bind) {
  SLS_TRY_ASSIGN(st, db.statement(text));
  bind(*st);
  return st->run();
}

}  // namespace sls::server::sql_rows
