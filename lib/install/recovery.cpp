#include "install/recovery.hpp"

#include <cstdio>

namespace tailor::install {
namespace fs = std::filesystem;

void recover_home(const Layout& layout, const util::Output& output) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.tmp(), ec)) {
    fs::remove_all(entry.path(), ec);
    output.debug("removed leftover {}", entry.path().string());
  }
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(layout.tools(), ec)) entries.push_back(entry.path());
  for (const auto& path : entries) {
    std::string name = path.filename().string();
    if (name.size() < 2 || name.front() != '.') continue;
    if (name.ends_with(".staging")) {
      fs::remove_all(path, ec);
      output.info("cleaned up an interrupted install ({})", name);
    } else if (name.ends_with(".previous")) {
      fs::path live = layout.tools() / name.substr(1, name.size() - 1 - std::string(".previous").size());
      if (!fs::exists(live, ec)) {
        fs::rename(path, live, ec);
        output.info("restored {} after an interrupted reinstall", live.filename().string());
      } else {
        fs::remove_all(path, ec);
      }
    }
  }
  for (const auto& entry : fs::directory_iterator(layout.bin(), ec)) {
    std::string name = entry.path().filename().string();
    if (name.front() == '.' && name.find(".tmp-") != std::string::npos) fs::remove(entry.path(), ec);
  }
  fs::remove(layout.root / "state.json.tmp", ec);
}

} // namespace tailor::install
