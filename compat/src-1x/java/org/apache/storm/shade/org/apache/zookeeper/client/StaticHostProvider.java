package org.apache.storm.shade.org.apache.zookeeper.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Written for the matrix, in place of the class of the same name that storm-core 1.2.4 shades
 * from ZooKeeper 3.4: this one comes first on the test class path, so the LocalCluster of 1.2.4
 * can run on Java 17.
 *
 * <p>Why: ZooKeeper 3.4's StaticHostProvider keeps server addresses unresolved and, to resolve
 * one, takes the host name from {@code InetSocketAddress.toString()} up to the last colon. Since
 * Java 14 that string is {@code localhost/<unresolved>:2000}, so the host "localhost/<unresolved>"
 * never resolves, the client connects to an unresolved address for ever ("Unable to canonicalize
 * address localhost/<unresolved>:2000 because it's not resolvable", ZOOKEEPER-3779, fixed only in
 * 3.5.8+) and the LocalCluster never comes up. This class resolves with {@code getHostString()}.
 * Same contract as the original: the addresses in a shuffled order, tried round robin, a pause
 * of {@code spinDelay} ms once every address has been tried since the last connection.
 */
public final class StaticHostProvider implements HostProvider {
    /** As in ZooKeeper 3.4 (tests there swap the DNS look-up). */
    public interface Resolver {
        InetAddress[] getAllByName(String name) throws UnknownHostException;
    }

    private final List<InetSocketAddress> serverAddresses = new ArrayList<>();
    private final Resolver resolver;
    private int lastIndex = -1;
    private int currentIndex = -1;

    public StaticHostProvider(Collection<InetSocketAddress> serverAddresses) {
        this(serverAddresses, InetAddress::getAllByName);
    }

    public StaticHostProvider(Collection<InetSocketAddress> serverAddresses, Resolver resolver) {
        if (serverAddresses.isEmpty()) {
            throw new IllegalArgumentException("A HostProvider may not be empty!");
        }
        this.resolver = resolver;
        this.serverAddresses.addAll(serverAddresses);
        Collections.shuffle(this.serverAddresses);
    }

    @Override
    public int size() {
        return serverAddresses.size();
    }

    @Override
    public InetSocketAddress next(long spinDelay) {
        currentIndex = (currentIndex + 1) % serverAddresses.size();
        if (currentIndex == lastIndex && spinDelay > 0) {
            try {
                Thread.sleep(spinDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (lastIndex == -1) {
            lastIndex = 0;
        }
        InetSocketAddress addr = serverAddresses.get(currentIndex);
        if (!addr.isUnresolved()) {
            return addr;
        }
        try {
            InetAddress[] all = resolver.getAllByName(addr.getHostString());
            return new InetSocketAddress(all[(int) (Math.random() * all.length)], addr.getPort());
        } catch (UnknownHostException e) {
            return addr;
        }
    }

    @Override
    public void onConnected() {
        lastIndex = currentIndex;
    }
}
