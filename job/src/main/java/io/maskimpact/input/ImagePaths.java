package io.maskimpact.input;

import java.net.URI;
import org.apache.hadoop.fs.Path;

/**
 * Resolves a manifest's image references and keeps them inside the manifest's folder.
 *
 * <p>A relative reference resolves against the folder that holds the manifest; a reference with
 * a scheme ({@code file:}, {@code hdfs:}, {@code s3a:}) or an absolute path is taken as is. A
 * reference that leaves the manifest's folder ({@code ..}, an absolute path or URI elsewhere)
 * is rejected unless external images are allowed: a manifest from someone else should not be
 * able to make the job read arbitrary files.
 */
public final class ImagePaths {
    private final URI folder;
    private final boolean allowExternal;

    /**
     * @param manifestUri the manifest's fully qualified URI (scheme included)
     * @param allowExternal whether references outside the manifest's folder are allowed
     */
    public ImagePaths(URI manifestUri, boolean allowExternal) {
        Path parent = new Path(manifestUri).getParent();
        this.folder = parent.toUri();
        this.allowExternal = allowExternal;
    }

    /** @return the manifest's folder, as a URI */
    public URI folder() {
        return folder;
    }

    /**
     * @param pairId the pair, for the message
     * @param image the reference as written in the manifest
     * @return the absolute URI to read
     * @throws IllegalArgumentException with a user message when the reference is unusable or external
     */
    public String resolve(String pairId, String image) {
        URI ref;
        try {
            ref = new Path(image).toUri();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(InputErrors.badImageReference(pairId, image, "not a valid path or URI"));
        }
        URI resolved;
        if (ref.getScheme() != null) {
            resolved = ref.normalize();
        } else if (ref.getPath().startsWith("/")) {
            resolved = sameFileSystem(ref.getPath());
        } else {
            resolved = sameFileSystem(folder.getPath() + "/" + ref.getPath());
        }
        if (!allowExternal && !inside(resolved)) {
            throw new IllegalArgumentException(InputErrors.externalImage(pairId, image, folder.toString()));
        }
        return resolved.toString();
    }

    private URI sameFileSystem(String path) {
        try {
            return new URI(folder.getScheme(), folder.getAuthority(), path, null, null).normalize();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private boolean inside(URI uri) {
        if (!eq(uri.getScheme(), folder.getScheme()) || !eq(uri.getAuthority(), folder.getAuthority())) {
            return false;
        }
        String dir = folder.getPath().endsWith("/") ? folder.getPath() : folder.getPath() + "/";
        return uri.getPath() != null && uri.getPath().startsWith(dir) && !uri.getPath().contains("/../");
    }

    private static boolean eq(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }
}
