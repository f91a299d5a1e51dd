#include <doctest/doctest.h>

#include "recipe/when.hpp"
#include "support/targets.hpp"

using namespace tailor::recipe;

namespace {

const tailor::tuple::Target k_debian_amd64 = tailor::test::target_of("linux", "amd64", "debian", "glibc", "none");
const tailor::tuple::Target k_alpine_arm64 = tailor::test::target_of("linux", "arm64", "alpine", "musl", "none");
const tailor::tuple::Target k_darwin_arm64 = tailor::test::target_of("darwin", "arm64", "", "", "apple");

tailor::tuple::Target with_gpu(tailor::tuple::Target t, std::string_view gpu, std::string driver = "",
                               std::string_view backend = "") {
  t.gpu = tailor::tuple::parse_gpu_vendor(gpu);
  t.gpu_driver = std::move(driver);
  t.backend = tailor::tuple::parse_backend(backend);
  return t;
}

Step step_with(std::string action, std::optional<WhenClause> when = std::nullopt) {
  Step s;
  s.action = std::move(action);
  s.when = std::move(when);
  return s;
}

}  // namespace

TEST_CASE("when_matches") {
  SUBCASE("the table of docs/conditions.md, \"Evaluation order\"") {
    struct Row {
      WhenClause when;
      bool debian, alpine, darwin;
    };
    std::vector<Row> rows;
    WhenClause a;
    a.os = {"linux"};
    a.libc = {"glibc"};
    rows.push_back({a, true, false, false});
    WhenClause b;
    b.libc = {"musl"};
    rows.push_back({b, false, true, true});
    WhenClause c;
    c.platform = {"linux/amd64"};
    c.libc = {"musl"};
    rows.push_back({c, true, false, false});
    WhenClause d;
    d.linux_family = "alpine";
    rows.push_back({d, false, true, false});
    WhenClause e;
    e.os = {"darwin", "linux"};
    e.arch = "arm64";
    rows.push_back({e, false, true, true});
    for (size_t i = 0; i < rows.size(); ++i) {
      CAPTURE(i);
      CHECK(when_matches(rows[i].when, k_debian_amd64) == rows[i].debian);
      CHECK(when_matches(rows[i].when, k_alpine_arm64) == rows[i].alpine);
      CHECK(when_matches(rows[i].when, k_darwin_arm64) == rows[i].darwin);
    }
  }
  SUBCASE("an empty clause matches every target") {
    CHECK(when_matches(WhenClause{}, k_debian_amd64));
    CHECK(when_matches(WhenClause{}, k_darwin_arm64));
  }
  SUBCASE("package_manager alone is not empty but matches everything") {
    WhenClause w;
    w.package_manager = "apt";
    CHECK_FALSE(w.empty());
    CHECK(when_matches(w, k_alpine_arm64));
    CHECK(when_matches(w, k_darwin_arm64));
  }
  SUBCASE("platform short-circuits arch, family, libc and gpu") {
    WhenClause w;
    w.platform = {"linux/amd64"};
    w.arch = "arm64";
    w.linux_family = "rhel";
    w.gpu = {"nvidia"};
    CHECK(when_matches(w, k_debian_amd64));
    CHECK_FALSE(when_matches(w, k_alpine_arm64));
  }
  SUBCASE("platform entries are exact os/arch tuples, OR-ed") {
    WhenClause w;
    w.platform = {"darwin/arm64", "linux/arm64"};
    CHECK(when_matches(w, k_darwin_arm64));
    CHECK(when_matches(w, k_alpine_arm64));
    CHECK_FALSE(when_matches(w, k_debian_amd64));
  }
  SUBCASE("os list is OR-ed") {
    WhenClause w;
    w.os = {"darwin"};
    CHECK(when_matches(w, k_darwin_arm64));
    CHECK_FALSE(when_matches(w, k_debian_amd64));
  }
  SUBCASE("a family condition never matches darwin with its empty family") {
    WhenClause w;
    w.linux_family = "debian";
    CHECK(when_matches(w, k_debian_amd64));
    CHECK_FALSE(when_matches(w, k_darwin_arm64));
    tailor::tuple::Target darwin_with_family = k_darwin_arm64;
    darwin_with_family.linux_family = tailor::tuple::LinuxFamily::debian;
    CHECK(when_matches(w, darwin_with_family));
  }
  SUBCASE("libc is only evaluated on linux") {
    WhenClause w;
    w.libc = {"glibc"};
    CHECK(when_matches(w, k_debian_amd64));
    CHECK_FALSE(when_matches(w, k_alpine_arm64));
    CHECK(when_matches(w, k_darwin_arm64));
  }
  SUBCASE("gpu is evaluated on every OS; an empty target gpu matches no list") {
    WhenClause w;
    w.gpu = {"nvidia", "apple"};
    CHECK(when_matches(w, k_darwin_arm64));
    CHECK_FALSE(when_matches(w, k_debian_amd64));
    CHECK(when_matches(w, with_gpu(k_debian_amd64, "nvidia")));
    CHECK_FALSE(when_matches(w, with_gpu(k_debian_amd64, "")));
  }
  SUBCASE("fields are AND-ed") {
    WhenClause w;
    w.os = {"linux"};
    w.arch = "amd64";
    w.gpu = {"nvidia"};
    CHECK(when_matches(w, with_gpu(k_debian_amd64, "nvidia")));
    CHECK_FALSE(when_matches(w, with_gpu(k_alpine_arm64, "nvidia")));
    CHECK_FALSE(when_matches(w, k_debian_amd64));
  }
  SUBCASE("backend: the target backend must be listed") {
    WhenClause w;
    w.backend = {"cuda", "vulkan"};
    CHECK(when_matches(w, with_gpu(k_debian_amd64, "nvidia", "", "cuda")));
    CHECK(when_matches(w, with_gpu(k_debian_amd64, "nvidia", "", "vulkan")));
    CHECK_FALSE(when_matches(w, with_gpu(k_debian_amd64, "nvidia", "", "cpu")));
  }
  SUBCASE("backend: an empty target backend never matches a backend condition") {
    WhenClause w;
    w.backend = {"cpu"};
    CHECK_FALSE(when_matches(w, k_debian_amd64));
  }
  SUBCASE("backend is checked even beside platform") {
    WhenClause w;
    w.platform = {"linux/amd64"};
    w.backend = {"cuda"};
    CHECK(when_matches(w, with_gpu(k_debian_amd64, "nvidia", "", "cuda")));
    CHECK_FALSE(when_matches(w, with_gpu(k_debian_amd64, "nvidia", "", "vulkan")));
  }
  SUBCASE("gpu_driver: a range over the target driver; an empty driver matches no range") {
    WhenClause w;
    w.gpu_driver = ">=570 <580";
    CHECK(when_matches(w, with_gpu(k_debian_amd64, "nvidia", "575.57.08")));
    CHECK_FALSE(when_matches(w, with_gpu(k_debian_amd64, "nvidia", "580.65.06")));
    CHECK_FALSE(when_matches(w, with_gpu(k_debian_amd64, "nvidia", "535.183.01")));
    CHECK_FALSE(when_matches(w, with_gpu(k_debian_amd64, "nvidia", "")));
  }
  SUBCASE("gpu_compute: a range over the capability; an unknown one is newer than any") {
    WhenClause w;
    w.gpu_compute = ">=7.5";
    tailor::tuple::Target t = with_gpu(k_debian_amd64, "nvidia", "580.65.06");
    t.gpu_compute = "6.1";
    CHECK_FALSE(when_matches(w, t));
    t.gpu_compute = "7.5";
    CHECK(when_matches(w, t));
    t.gpu_compute = "12.0";  // numerically, not as text
    CHECK(when_matches(w, t));
    t.gpu_compute = "";
    CHECK(when_matches(w, t));
    w.gpu_compute = "<7.5";
    t.gpu_compute = "7.0";
    CHECK(when_matches(w, t));
    t.gpu_compute = "10.0";
    CHECK_FALSE(when_matches(w, t));
    t.gpu_compute = "";  // so an upper bound never holds for it
    CHECK_FALSE(when_matches(w, t));
    w.gpu_compute = ">=5.0 <7.5";
    CHECK_FALSE(when_matches(w, t));
  }
}

TEST_CASE("driver_in_range") {
  SUBCASE("each comparator") {
    CHECK(driver_in_range(">=570", "570"));
    CHECK_FALSE(driver_in_range(">570", "570"));
    CHECK(driver_in_range(">570", "570.1"));
    CHECK(driver_in_range("<=580", "580.0.0"));
    CHECK_FALSE(driver_in_range("<580", "580"));
    CHECK(driver_in_range("=575.57.08", "575.57.8"));
    CHECK_FALSE(driver_in_range("=575.57", "575.57.1"));
  }
  SUBCASE("parts compare numerically, not as text") {
    CHECK(driver_in_range(">=570.9", "570.10"));
    CHECK_FALSE(driver_in_range("<99", "100"));
  }
  SUBCASE("a driver with a suffix compares by its numeric prefix") {
    CHECK(driver_in_range(">=6.8", "6.8.0-45-generic"));
  }
  SUBCASE("unusable inputs match nothing") {
    CHECK_FALSE(driver_in_range(">=570", ""));
    CHECK_FALSE(driver_in_range(">=570", "abc"));
    CHECK_FALSE(driver_in_range("570", "570"));
  }
}

TEST_CASE("check_driver_range") {
  CHECK(check_driver_range(">=570 <580").has_value());
  CHECK(check_driver_range("=575.57.08").has_value());
  CHECK(check_driver_range("  >=1  ").has_value());
  auto no_operator = check_driver_range("570");
  REQUIRE_FALSE(no_operator.has_value());
  CHECK(no_operator.error().message == "malformed gpu_driver range '570': '570' has no comparator (>=, >, <=, <, =)");
  auto bad_number = check_driver_range(">=57x");
  REQUIRE_FALSE(bad_number.has_value());
  CHECK(bad_number.error().message == "malformed gpu_driver range '>=57x': '57x' is not a dotted number");
  CHECK_FALSE(check_driver_range("").has_value());
  CHECK_FALSE(check_driver_range(">=1..2").has_value());
}

TEST_CASE("check_compute_range") {
  CHECK(check_compute_range(">=7.5").has_value());
  CHECK(check_compute_range(">=5.0 <12").has_value());
  auto no_operator = check_compute_range("7.5");
  REQUIRE_FALSE(no_operator.has_value());
  CHECK(no_operator.error().message == "malformed gpu_compute range '7.5': '7.5' has no comparator (>=, >, <=, <, =)");
  auto three_parts = check_compute_range(">=7.5.1");
  REQUIRE_FALSE(three_parts.has_value());
  CHECK(three_parts.error().message ==
        "malformed gpu_compute range '>=7.5.1': a compute capability is major.minor (8.9)");
  CHECK_FALSE(check_compute_range(">=sm_75").has_value());
}

TEST_CASE("implicit_constraint") {
  CHECK(implicit_constraint("apt_install")->family == "debian");
  CHECK(implicit_constraint("apt_ppa")->os == "linux");
  CHECK(implicit_constraint("dnf_repo")->family == "rhel");
  CHECK(implicit_constraint("pacman_install")->family == "arch");
  CHECK(implicit_constraint("apk_install")->family == "alpine");
  CHECK(implicit_constraint("zypper_install")->family == "suse");
  CHECK(implicit_constraint("brew_cask")->os == "darwin");
  CHECK(implicit_constraint("brew_install")->family.empty());
  CHECK_FALSE(implicit_constraint("group_add").has_value());
  CHECK_FALSE(implicit_constraint("download").has_value());
}

TEST_CASE("step_applies") {
  SUBCASE("a system action is filtered by its family even without when") {
    CHECK(step_applies(step_with("apt_install"), k_debian_amd64));
    CHECK_FALSE(step_applies(step_with("apt_install"), k_alpine_arm64));
    CHECK_FALSE(step_applies(step_with("apt_install"), k_darwin_arm64));
    CHECK(step_applies(step_with("brew_install"), k_darwin_arm64));
  }
  SUBCASE("then the when clause applies") {
    WhenClause w;
    w.arch = "arm64";
    CHECK(step_applies(step_with("apk_install", w), k_alpine_arm64));
    tailor::tuple::Target alpine_amd64 = k_alpine_arm64;
    alpine_amd64.arch = "amd64";
    CHECK_FALSE(step_applies(step_with("apk_install", w), alpine_amd64));
  }
  SUBCASE("ordinary actions only use when") { CHECK(step_applies(step_with("download"), k_darwin_arm64)); }
}

TEST_CASE("analyze_step") {
  auto analyze = [](std::string action, WhenClause w) {
    return analyze_step(step_with(std::move(action), std::move(w)));
  };
  SUBCASE("implicit constraint without when") {
    auto c = analyze_step(step_with("apt_install"));
    REQUIRE(c.has_value());
    CHECK(c->os == "linux");
    CHECK(c->family == "debian");
  }
  SUBCASE("platform conflict") {
    WhenClause w;
    w.platform = {"darwin/arm64", "darwin/amd64"};
    auto c = analyze("apt_install", w);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().message ==
          "platform conflict: action requires OS \"linux\" but when.platform specifies [darwin/arm64 darwin/amd64]");
  }
  SUBCASE("OS conflict") {
    WhenClause w;
    w.os = {"darwin"};
    auto c = analyze("brew_install", WhenClause{});
    REQUIRE(c.has_value());
    auto conflict = analyze("apt_install", w);
    REQUIRE_FALSE(conflict.has_value());
    CHECK(conflict.error().message == "OS conflict: action requires OS \"linux\" but when.os specifies [darwin]");
  }
  SUBCASE("a single os sets the constraint, several leave it empty") {
    WhenClause one;
    one.os = {"darwin"};
    CHECK(analyze("download", one)->os == "darwin");
    WhenClause two;
    two.os = {"darwin", "linux"};
    CHECK(analyze("download", two)->os.empty());
  }
  SUBCASE("linux_family conflict") {
    WhenClause w;
    w.linux_family = "rhel";
    auto c = analyze("apt_install", w);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().message ==
          "linux_family conflict: action requires linux_family \"debian\" but when.linux_family specifies \"rhel\"");
  }
  SUBCASE("libc with one entry is merged, with two it is not") {
    WhenClause one;
    one.libc = {"musl"};
    CHECK(analyze("download", one)->libc == "musl");
    WhenClause two;
    two.libc = {"musl", "glibc"};
    CHECK(analyze("download", two)->libc.empty());
  }
  SUBCASE("family or libc on another OS") {
    WhenClause w;
    w.os = {"darwin"};
    w.linux_family = "debian";
    auto c = analyze("download", w);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error().message == "linux_family \"debian\" is only valid with os=\"linux\", got os=\"darwin\"");
    auto brew = analyze("brew_install", [] {
      WhenClause l;
      l.libc = {"glibc"};
      return l;
    }());
    REQUIRE_FALSE(brew.has_value());
    CHECK(brew.error().message == "libc \"glibc\" is only valid with os=\"linux\", got os=\"darwin\"");
  }
  SUBCASE("arch, libc and gpu are merged even beside platform") {
    WhenClause w;
    w.platform = {"linux/amd64"};
    w.arch = "amd64";
    w.gpu = {"nvidia"};
    auto c = analyze("download", w);
    REQUIRE(c.has_value());
    CHECK(c->arch == "amd64");
    CHECK(c->gpu == "nvidia");
    CHECK(c->os.empty());
  }
  SUBCASE("family_varying follows {{linux_family}} anywhere in params") {
    Step s = step_with("run_command");
    s.params["nested"] = {{"list", {"a", "x-{{linux_family}}"}}};
    CHECK(analyze_step(s)->family_varying);
    Step plain = step_with("run_command");
    plain.params["command"] = "echo {linux_family}";
    CHECK_FALSE(analyze_step(plain)->family_varying);
  }
}

TEST_CASE("gfx lists") {
  SUBCASE("any of the GPUs' targets listed is enough; an unknown target counts as listed") {
    const std::vector<std::string> list{"gfx1030", "gfx1100"};
    CHECK(gfx_in_list(list, {"gfx1100"}));
    CHECK(gfx_in_list(list, {"gfx1010", "gfx1030"}));
    CHECK_FALSE(gfx_in_list(list, {"gfx1010"}));
    CHECK(gfx_in_list(list, {}));
  }
  SUBCASE("when_matches checks the gfx key beside the others") {
    WhenClause w;
    w.backend = {"rocm"};
    w.gfx = {"gfx90a", "gfx942"};
    tailor::tuple::Target t = tailor::test::target_of("linux", "amd64", "debian", "glibc", "amd", "", "rocm");
    t.gfx = {"gfx942"};
    CHECK(when_matches(w, t));
    t.gfx = {"gfx906"};
    CHECK_FALSE(when_matches(w, t));
    t.backend = tailor::tuple::Backend::vulkan;
    w.backend = {"vulkan"};
    w.gfx.clear();
    CHECK(when_matches(w, t));
  }
}

TEST_CASE("backend_runs_on") {
  CHECK(backend_runs_on("cuda", tailor::tuple::GpuVendor::nvidia));
  CHECK_FALSE(backend_runs_on("rocm", tailor::tuple::GpuVendor::nvidia));
  CHECK_FALSE(backend_runs_on("sycl", tailor::tuple::GpuVendor::none));
  CHECK_FALSE(backend_runs_on("vulkan", tailor::tuple::GpuVendor::none));
  CHECK_FALSE(backend_runs_on("vulkan", std::nullopt));
  CHECK(backend_runs_on("vulkan", tailor::tuple::GpuVendor::amd));
  CHECK(backend_runs_on("cpu", std::nullopt));
}
