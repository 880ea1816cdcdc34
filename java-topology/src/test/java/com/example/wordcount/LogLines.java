package com.example.wordcount;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The worker log as the tests see it: LocalCluster's workers log into this JVM, so an appender on
 * the root logger (INFO and above, Storm's log4j2.xml) sees every line a worker on a cluster
 * would write to its worker.log. Kept per logger: the first {@value #FIRST} and the last
 * {@value #LAST} lines (a component that logs in a loop does not fill the heap), and how often each
 * distinct line (its first {@value #KEY} characters, up to {@value #KEYS} of them) came. A line is
 * {@code LEVEL [thread] message}, then {@code | } and each throwable of the chain as
 * {@code toString()}.
 */
final class LogLines {
    static final int FIRST = 200;
    static final int LAST = 50;
    static final int KEY = 300;
    static final int KEYS = 1000;

    private static final Map<String, PerLogger> BY_LOGGER = new ConcurrentHashMap<>();
    private static AbstractAppender appender;

    private LogLines() {
    }

    private static final class PerLogger {
        final List<String> first = new ArrayList<>();
        final Deque<String> last = new ArrayDeque<>();
        final Map<String, Long> times = new HashMap<>();

        synchronized void add(String line) {
            String key = line.length() > KEY ? line.substring(0, KEY) : line;
            if (times.containsKey(key) || times.size() < KEYS) {
                times.merge(key, 1L, Long::sum);
            }
            if (first.size() < FIRST) {
                first.add(line);
            } else {
                last.addLast(line);
                if (last.size() > LAST) {
                    last.removeFirst();
                }
            }
        }

        synchronized long count(String... texts) {
            return times.entrySet().stream().filter(e -> Arrays.stream(texts).allMatch(e.getKey()::contains))
                .mapToLong(Map.Entry::getValue).sum();
        }

        synchronized List<String> lines() {
            List<String> out = new ArrayList<>(first);
            out.addAll(last);
            return out;
        }
    }

    /** Adds the appender once per JVM. */
    static synchronized void install() {
        if (appender != null) {
            return;
        }
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        appender = new AbstractAppender("log-lines", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                StringBuilder line = new StringBuilder()
                    .append(event.getLevel()).append(" [").append(event.getThreadName()).append("] ")
                    .append(event.getMessage().getFormattedMessage());
                for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t);
                    if (t.getCause() == t) {
                        break;
                    }
                }
                BY_LOGGER.computeIfAbsent(event.getLoggerName(), k -> new PerLogger()).add(line.toString());
            }
        };
        appender.start();
        cfg.addAppender(appender);
        cfg.getRootLogger().addAppender(appender, Level.INFO, null);
        ctx.updateLoggers();
    }

    /**
     * Takes {@code loggers} off the console: their lines reach this capture only. For a logger
     * that Storm makes write in a loop (ShellBolt's die() in local mode: tens of thousands of
     * stack traces a second), which would otherwise fill the test's output file.
     */
    static synchronized void quiet(String... loggers) {
        install();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        for (String name : loggers) {
            LoggerConfig logger = new LoggerConfig(name, Level.INFO, false);
            logger.addAppender(appender, Level.INFO, null);
            cfg.addLogger(name, logger);
        }
        ctx.updateLoggers();
    }

    /**
     * Lines logged so far by {@code logger} (a class name, or a component id for a child's stderr)
     * whose first {@value #KEY} characters contain each of {@code texts}.
     */
    static long count(String logger, String... texts) {
        PerLogger p = BY_LOGGER.get(logger);
        return p == null ? 0 : p.count(texts);
    }

    /** The kept lines of {@code logger} that match {@code test}. */
    static List<String> lines(String logger, Predicate<String> test) {
        PerLogger p = BY_LOGGER.get(logger);
        return p == null ? List.of() : p.lines().stream().filter(test).toList();
    }

    /** The kept lines of {@code logger} that contain {@code text}. */
    static List<String> containing(String logger, String text) {
        return lines(logger, l -> l.contains(text));
    }
}
