"""``spark-submit`` entry point for bulk scoring: the same job as ``npm run score:spark``.

    spark-submit --master spark://HOST:7077 model-server/scripts/score_spark.py --input … --output … [options]

spark-submit runs a file, not a module: this puts the package on the path and hands over to it. The
package itself and the model then travel to the executors as Spark files (see ``spark_score``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from allocine_sentiment.spark.score import main  # noqa: E402

sys.exit(main())
