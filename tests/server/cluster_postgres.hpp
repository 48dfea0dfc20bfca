// A PostgreSQL server for the several-node tests (not installed): the one
// named by test_postgres_url() (env SLS_TEST_POSTGRES, or the CTest fixture's URL file), or
// else a throwaway one this process starts (scripts/throwaway-postgres
// --fast) and stops when it exits. Each test takes a fresh database on it.
#pragma once

#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "test_env.hpp"

namespace sls::server::testing {

/// One SQL statement on a connection of its own to `url`; the first value
/// of its first row ("" when none). Throws on an error.
inline std::string pg_exec(const std::string& url, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) throw std::runtime_error("postgres: " + std::string(PQerrorMessage(c.get())));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw std::runtime_error("postgres: " + sql + ": " + PQerrorMessage(c.get()));
  if (st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 && PQnfields(r.get()) > 0) return PQgetvalue(r.get(), 0, 0);
  return {};
}

/// `url` with its database name replaced by `db`.
inline std::string pg_url_with_database(const std::string& url, const std::string& db) {
  const auto slash = url.rfind('/');
  const auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + db + (query == std::string::npos ? "" : url.substr(query));
}

/// The server (started once per process, on first use).
class TestPostgres {
 public:
  static TestPostgres& instance() {
    static TestPostgres pg;
    return pg;
  }
  const std::string& url() const { return url_; }

  /// A new, empty database on the server; its URL.
  std::string fresh_database() {
    static std::atomic<int> n{0};
    const std::string name = "cluster_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    pg_exec(url_, "CREATE DATABASE " + name);
    return pg_url_with_database(url_, name);
  }
  /// Drops a database fresh_database() made, ending its connections first.
  void drop_database(const std::string& db_url) {
    const std::string name = db_url.substr(db_url.rfind('/') + 1);
    pg_exec(url_, "DROP DATABASE IF EXISTS " + name.substr(0, name.find('?')) + " WITH (FORCE)");
  }

  TestPostgres(const TestPostgres&) = delete;
  TestPostgres& operator=(const TestPostgres&) = delete;
  ~TestPostgres() {
    if (!own_dir_.empty()) stop_own();
  }

 private:
  TestPostgres() {
    if (std::string url = test_postgres_url(); !url.empty()) {
      url_ = std::move(url);
      return;
    }
    char templ[] = "/tmp/sls-cluster-pg-XXXXXX";
    if (::mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp");
    // As root the server runs as another user, who must reach the directory.
    ::chmod(templ, 0755);
    own_parent_ = templ;
    own_dir_ = own_parent_ + "/pg";
    url_ = run("'" + std::string(SLS_SOURCE_DIR) + "/scripts/throwaway-postgres' start '" + own_dir_ + "' --fast");
    while (!url_.empty() && (url_.back() == '\n' || url_.back() == '\r')) url_.pop_back();
    if (url_.rfind("postgresql://", 0) != 0) {
      stop_own();
      throw std::runtime_error("throwaway-postgres did not start: " + url_);
    }
  }
  void stop_own() {
    run("'" + std::string(SLS_SOURCE_DIR) + "/scripts/throwaway-postgres' stop '" + own_dir_ + "'");
    ::rmdir(own_parent_.c_str());
  }
  static std::string run(const std::string& command) {
    std::unique_ptr<FILE, decltype(&::pclose)> p(::popen(command.c_str(), "r"), &::pclose);
    if (!p) return {};
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, p.get()) != nullptr) out += buf;
    return out;
  }

  std::string url_;
  std::string own_dir_;
  std::string own_parent_;
};

/// A fresh database for one test, dropped at its end.
class TestDatabase {
 public:
  TestDatabase() : url_(TestPostgres::instance().fresh_database()) {}
  ~TestDatabase() {
    try {
      TestPostgres::instance().drop_database(url_);
    } catch (const std::exception&) {
      // Left for the server's own cleanup (a throwaway server goes whole).
    }
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string url_;
};

}  // namespace sls::server::testing
