#include "fetch/curl_api.hpp"

#include "util/shared_library.hpp"

namespace tailor::fetch {

const CurlApi& curl_api() {
  static const CurlApi k_api = [] {
    util::SharedLibrary lib("libcurl.so.4", "libcurl4");
    CurlApi a{};
    lib.bind(a.easy_init, "curl_easy_init");
    lib.bind(a.easy_setopt, "curl_easy_setopt");
    lib.bind(a.easy_getinfo, "curl_easy_getinfo");
    lib.bind(a.easy_perform, "curl_easy_perform");
    lib.bind(a.easy_cleanup, "curl_easy_cleanup");
    lib.bind(a.easy_strerror, "curl_easy_strerror");
    lib.bind(a.slist_append, "curl_slist_append");
    lib.bind(a.slist_free_all, "curl_slist_free_all");
    lib.bind(a.multi_init, "curl_multi_init");
    lib.bind(a.multi_add_handle, "curl_multi_add_handle");
    lib.bind(a.multi_remove_handle, "curl_multi_remove_handle");
    lib.bind(a.multi_perform, "curl_multi_perform");
    lib.bind(a.multi_poll, "curl_multi_poll");
    lib.bind(a.multi_info_read, "curl_multi_info_read");
    lib.bind(a.multi_cleanup, "curl_multi_cleanup");
    lib.bind(a.url, "curl_url");
    lib.bind(a.url_set, "curl_url_set");
    lib.bind(a.url_get, "curl_url_get");
    lib.bind(a.url_cleanup, "curl_url_cleanup");
    lib.bind(a.free, "curl_free");
    lib.bind(a.getdate, "curl_getdate");
    decltype(&::curl_global_init) global_init = nullptr;
    lib.bind(global_init, "curl_global_init");
    global_init(CURL_GLOBAL_DEFAULT);
    return a;
  }();
  return k_api;
}

}  // namespace tailor::fetch
