// Runs EPUBCheck on every EPUB named on the command line in one JVM, so the
// JVM starts and EPUBCheck loads its schemas once for the whole batch.
// Each FILE gets its report as FILE.json; a line "epubcheck-batch RC FILE"
// on standard output gives EPUBCheck's exit code for it.
//
//     java -cp epubcheck.jar tests/valid/EpubCheckBatch.java A.epub B.epub …
public class EpubCheckBatch {
    public static void main(String[] args) {
        for (String file : args) {
            int rc = new com.adobe.epubcheck.tool.EpubChecker()
                .run(new String[] {file, "--quiet", "--json", file + ".json"});
            System.out.println("epubcheck-batch " + rc + " " + file);
        }
    }
}
