// The YASGUI editor of /sparql (clusterkg.server.editor), set up to talk to this server only.
//
// What YASGUI 4.6 would otherwise ask of other hosts, and how each is switched off:
// - the class and property completers query lov.linkeddata.es as you type: only the variable and
//   prefix completers are kept, and the prefixes offered are the project's own (prefixCcApi, a
//   URL YASGUI fetches them from, is a data: URL of them: nothing leaves the page);
// - the endpoint list offers dbpedia.org and query.wikidata.org: it offers this server only;
// - settings read from the page's URL (#endpoint=…) could point it elsewhere: not read;
// - settings kept in localStorage could bring back another endpoint: nothing is kept;
// - the CORS proxy and the link shortener are off unless configured (corsProxy, createShortLink):
//   neither is configured.
// The help links to docs.triply.cc are plain links: nothing is fetched unless one is followed.
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("editor-config").textContent);
  // YASGUI parses the endpoint with new URL(), which needs it absolute: this server's own
  var endpoint = window.location.origin + "/sparql";

  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  Yasgui.Yasqe.defaults.value = settings.query; // a new tab starts from the example too

  window.yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
      keys: [],
    },
    copyEndpointOnNewTab: true,
    populateFromUrl: false,
    persistenceId: null,
    yasqe: {
      value: settings.query,
      collapsePrefixesOnLoad: true,
      prefixCcApi: "data:application/json," + encodeURIComponent(JSON.stringify(settings.prefixes)),
    },
    yasr: { prefixes: settings.prefixes },
  });
})();
