(ns wordcount.observe
  "Watching a running topology from the JVM that runs it (local mode: LocalCluster runs every
  executor in this JVM, so its bolts and task hooks can write to this namespace's registry).

  - `tally`, a Clojure bolt fed by countbolt, keeps the latest count per word and how many
    [word count] tuples arrived;
  - `SpoutAcks`, a task hook (conf topology.auto.task.hooks), records which spout message ids
    Storm acked or failed, and how often.

  Both find their record by the id in the topology conf key \"wordcount.observer\"."
  (:require [org.apache.storm.clojure :refer [defbolt ack!]])
  (:import [org.apache.storm.hooks.info SpoutAckInfo SpoutFailInfo]
           [org.apache.storm.task TopologyContext]
           [org.apache.storm.tuple Tuple]))

(def conf-key "wordcount.observer")

(defonce ^:private observers (atom {}))

(defn new-observer!
  "Registers a fresh, empty record and returns its id."
  []
  (let [id (str (java.util.UUID/randomUUID))]
    (swap! observers assoc id (atom {:counts {} :count-tuples 0 :acked {} :failed {}}))
    id))

(defn- record [id]
  (or (get @observers id)
      (throw (IllegalStateException.
              (str "no observer " id " in this JVM (observers work in local mode only)")))))

(defn snapshot
  "The record: {:counts {word count}, :count-tuples n, :acked {msg-id times}, :failed {msg-id times}}."
  [id]
  @(record id))

(defn forget! [id] (swap! observers dissoc id))

(defn conf
  "Topology conf entries that switch the observer on: the id and the ack hook."
  [id]
  {conf-key id
   "topology.auto.task.hooks" ["wordcount.observe.SpoutAcks"]})

(defbolt tally [] {:params [id]} [tuple collector]
  (let [word (.getString ^Tuple tuple 0)
        n (.longValue ^Number (.getValue ^Tuple tuple 1))]
    (swap! (record id) #(-> % (assoc-in [:counts word] n) (update :count-tuples inc))))
  (ack! collector tuple))

(defn- message-id [id]
  ;; ids cross the multilang JSON: small integers come back as Integer, others as Long or String
  (if (integer? id) (long id) id))

(gen-class
 :name wordcount.observe.SpoutAcks
 :extends org.apache.storm.hooks.BaseTaskHook
 :prefix "acks-"
 :state state
 :init init)

(defn- acks-init [] [[] (atom nil)])

(defn- acks-prepare [this conf ^TopologyContext _context]
  (reset! (.state this) (get conf conf-key)))

(defn- note! [this k msg-id]
  (when-let [a (some->> @(.state this) (get @observers))]
    (swap! a update-in [k (message-id msg-id)] (fnil inc 0))))

(defn- acks-spoutAck [this ^SpoutAckInfo info] (note! this :acked (.-messageId info)))

(defn- acks-spoutFail [this ^SpoutFailInfo info] (note! this :failed (.-messageId info)))
