// Runs EPUBCheck over many files in one JVM: for each FILE, its JSON report
// goes to OUTDIR/<file name>.json.
// Usage: java -cp epubcheck.jar:lib/* EpubcheckBatch.java OUTDIR FILE...
import java.io.File;

public class EpubcheckBatch {
    public static void main(String[] args) {
        File out = new File(args[0]);
        out.mkdirs();
        for (int i = 1; i < args.length; i++) {
            File f = new File(args[i]);
            File json = new File(out, f.getName() + ".json");
            try {
                new com.adobe.epubcheck.tool.EpubChecker().run(
                    new String[] {f.getPath(), "--json", json.getPath(), "--quiet"});
            } catch (Throwable t) {
                System.err.println(f + ": " + t);
            }
        }
    }
}
