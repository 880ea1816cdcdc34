;; The HDInsight word-count sample's Clojure topology, running the native (Rust) multilang
;; components from ../multilang/resources. See README.md.

;; Maven Central, as this project reaches it, serves the Storm 2.8.4 jars and their poms but not
;; their parent pom: org.apache.storm:storm:2.8.4 answers 404. Without a parent, the resolver can't
;; read the poms of storm-client, storm-server, storm-clojure and storm-shaded-deps 2.8.4 and
;; Leiningen stops. So, for dependency resolution only (nothing is written to ~/.m2), we answer
;; that one request ourselves with an empty parent: a pom with coordinates and nothing else, and
;; let the resolver treat those four poms, now incomplete (their dependency versions lived in the
;; real parent), as carrying no transitive dependencies. The :dependencies below list what they
;; would have pulled in, with the versions from Storm's v2.8.4 parent pom. The result is the same
;; tree as with the real parent (checked with `lein deps :tree` against it).
(require 'leiningen.core.pedantic)
(import '(org.eclipse.aether.resolution ArtifactDescriptorPolicy)
        '(org.eclipse.aether.repository WorkspaceReader WorkspaceRepository))
(let [storm-2-8-4? (fn [a] (and (= "org.apache.storm" (.getGroupId a)) (= "2.8.4" (.getVersion a))))
      empty-parent (doto (java.io.File/createTempFile "storm-2.8.4-empty-parent" ".pom")
                     (.deleteOnExit)
                     (spit (str "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">"
                                "<modelVersion>4.0.0</modelVersion><groupId>org.apache.storm</groupId>"
                                "<artifactId>storm</artifactId><version>2.8.4</version>"
                                "<packaging>pom</packaging></project>")))
      parent? (fn [a] (and (storm-2-8-4? a) (= "storm" (.getArtifactId a)) (= "pom" (.getExtension a))))
      workspace (reify WorkspaceReader
                  (getRepository [_] (WorkspaceRepository. "storm-2.8.4-empty-parent"))
                  (findArtifact [_ a] (when (parent? a) empty-parent))
                  (findVersions [_ a] (if (parent? a) ["2.8.4"] [])))
      policy (reify ArtifactDescriptorPolicy
               (getPolicy [_ _ request]
                 (if (storm-2-8-4? (.getArtifact request))
                   ArtifactDescriptorPolicy/IGNORE_INVALID
                   ArtifactDescriptorPolicy/STRICT)))]
  (alter-var-root
   #'leiningen.core.pedantic/session
   (fn [session-fn]
     (if (::storm-parent-shim (meta session-fn))
       session-fn
       (with-meta
         (fn [& args]
           (let [make (or (apply session-fn args)
                          (resolve 'cemerick.pomegranate.aether/repository-session))]
             (fn [opts]
               (doto (make opts)
                 (.setWorkspaceReader workspace)
                 (.setArtifactDescriptorPolicy policy)))))
         {::storm-parent-shim true})))))

(def storm-version "2.8.4")

(defproject wordcount-clojure "0.1.0-SNAPSHOT"
  :description "Word count on Apache Storm in the Clojure DSL, with native (Rust) multilang components"
  :license {:name "Apache-2.0"}
  ;; Maven Central only: Clojars is not reachable from our machines or CI.
  :repositories ^:replace [["central" {:url "https://repo1.maven.org/maven2/" :snapshots false}]]
  :plugin-repositories ^:replace [["central" {:url "https://repo1.maven.org/maven2/" :snapshots false}]]
  :dependencies [[org.clojure/clojure "1.12.4"]
                 ;; The DSL (shell-spout-spec, shell-bolt-spec) and the RichShellSpout/RichShellBolt
                 ;; classes the workers deserialize: goes into the jar (a Storm install does not
                 ;; ship it). Its carbonite dependency lives on Clojars only; see
                 ;; wordcount.local/hide-clojure-serialization-register! for what that means.
                 [org.apache.storm/storm-clojure ~storm-version
                  :exclusions [org.clojars.bipinprasad/carbonite org.apache.storm/storm-client]]
                 ;; storm-clojure's own dependencies (its pom can't be read, see the top).
                 [org.clojure/tools.logging "1.3.1"]
                 [net.minidev/json-smart "2.6.0"]
                 [com.esotericsoftware/kryo "5.6.2"]
                 ;; The project's JVM library (../storm-native): the binary multilang serializer
                 ;; (SMB1), so a Clojure topology can set "topology.multilang.serializer"
                 ;; "io.stormnative.BinarySerializer" (see ../java-topology/BINARY.md). It
                 ;; goes into the uberjar. Leiningen takes it from ~/.m2, where
                 ;; ../scripts/setup.sh (scripts/install-storm-native.sh) installs it; Storm is
                 ;; `provided` in its pom, so it brings nothing else.
                 [io.stormnative/storm-native "1.0-SNAPSHOT"]]
  ;; ../multilang holds resources/ with the native binaries: on the classpath it is the topology's
  ;; code dir in local mode, and it goes into the jar as resources/<binary>.
  :resource-paths ["../multilang"]
  ;; the Python variant's files share that directory; this jar runs the native binaries only
  :jar-exclusions [#"^resources/.*\.py$" #"^resources/__pycache__/" #"^resources/\." #"\.java$"]
  :uberjar-exclusions [#"^resources/.*\.py$" #"^resources/__pycache__/" #"^resources/\." #"\.java$"
                       ;; storm-clojure's Kryo register needs carbonite (Clojars only): see
                       ;; wordcount.local/hide-clojure-serialization-register!
                       #"^META-INF/services/org\.apache\.storm\.serialization\.SerializationRegister$"]
  ;; Leiningen's defaults, except that its services merger, which would otherwise win over the
  ;; exclusion above, leaves that one file alone
  :uberjar-merge-with ^:replace
  {"data_readers.clj" leiningen.uberjar/clj-map-merger
   #"^META-INF/services/(?!org\.apache\.storm\.serialization\.SerializationRegister$).+"
   [slurp #(str %1 "\n" %2) spit]}
  ;; `cargo xtask dist` before anything runs or is packaged (see wordcount.dist)
  :prep-tasks [["run" "-m" "wordcount.dist"] "compile"]
  ;; a directory per profile set (target/uberjar for the jar): the tests build the uberjar while
  ;; running from their own compiled classes
  :target-path "target/%s"
  :main ^:skip-aot wordcount.core
  ;; the spout ack hook is a named class (topology.auto.task.hooks)
  :aot [wordcount.observe]
  :jvm-opts ["-Dlog4j2.configurationFile=log4j2-local.xml"]
  :profiles
  {;; Leiningen's default :base profile adds nREPL, which lives on Clojars. We need no REPL server.
   :base {}
   ;; no auto-clean: it empties all of target/, and the tests build the uberjar (when stale)
   ;; while their own JVM runs from compiled classes in target/
   :uberjar {:aot [wordcount.core wordcount.observe] :auto-clean false}
   ;; Storm itself: on a cluster it is on the worker's classpath already, so it stays out of the
   ;; uberjar; `lein run` and `lein test` need it (storm-server has LocalCluster).
   :provided
   {:dependencies [[org.apache.storm/storm-client ~storm-version]
                   [org.apache.storm/storm-server ~storm-version]
                   ;; what storm-client 2.8.4 pulls in (versions from Storm's v2.8.4 parent pom)
                   [org.apache.storm/storm-shaded-deps ~storm-version]
                   [org.jspecify/jspecify "1.0.0"]
                   [org.slf4j/slf4j-api "2.0.17"]
                   [org.slf4j/log4j-over-slf4j "2.0.17"]
                   [org.apache.logging.log4j/log4j-api "2.25.3"]
                   [org.apache.logging.log4j/log4j-core "2.25.3"]
                   [org.apache.logging.log4j/log4j-slf4j2-impl "2.25.3"]
                   [org.bouncycastle/bcpkix-jdk18on "1.83"]
                   [com.sun.activation/jakarta.activation "1.2.1"]
                   [jakarta.activation/jakarta.activation-api "1.2.1"]
                   [jakarta.xml.bind/jakarta.xml.bind-api "4.0.4"
                    :exclusions [jakarta.activation/jakarta.activation-api]]
                   [javax.annotation/javax.annotation-api "1.3.2"]
                   [io.dropwizard.metrics/metrics-core "4.2.38"]
                   [io.dropwizard.metrics/metrics-graphite "4.2.38"]
                   [io.dropwizard.metrics/metrics-jvm "4.2.38"]
                   [io.dropwizard.metrics/metrics-jmx "4.2.38"]
                   ;; ... and storm-server 2.8.4
                   [com.fasterxml.jackson.core/jackson-databind "2.21.0"]
                   [commons-io "2.21.0"]
                   [commons-lang "2.6"]
                   [jakarta.servlet/jakarta.servlet-api "6.1.0"]
                   [jline "2.14.6" :exclusions [junit]]
                   [org.apache.commons/commons-collections4 "4.5.0"]
                   [org.apache.commons/commons-compress "1.28.0"]
                   [org.apache.commons/commons-exec "1.6.0"]
                   [org.apache.httpcomponents/httpclient "4.5.14"]
                   [org.rocksdb/rocksdbjni "10.2.1"]
                   [org.yaml/snakeyaml "2.2"]]}})
