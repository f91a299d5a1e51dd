#pragma once
// libcurl, loaded on first use (see util/shared_library.hpp for why it is not linked).
// Calls go through the table: curl_api().easy_setopt(handle, CURLOPT_URL, url). The table's
// first use also runs curl_global_init, once per process.
#include <curl/curl.h>

namespace tailor::fetch {

struct CurlApi {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_url) url;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_free) free;
  decltype(&::curl_getdate) getdate;
};

// The table, loaded from libcurl.so.4 on the first call; throws util::MissingLibrary.
const CurlApi& curl_api();

}  // namespace tailor::fetch
