"""Stateful classification metrics (torchmetrics' ``torchmetrics.classification``)."""

from .accuracy import Accuracy, BinaryAccuracy, MulticlassAccuracy, MultilabelAccuracy
from .average_precision import (
    AveragePrecision,
    BinaryAveragePrecision,
    MulticlassAveragePrecision,
    MultilabelAveragePrecision,
)
from .confusion_matrix import (
    BinaryCohenKappa,
    BinaryConfusionMatrix,
    BinaryMatthewsCorrCoef,
    CohenKappa,
    ConfusionMatrix,
    MatthewsCorrCoef,
    MulticlassCohenKappa,
    MulticlassConfusionMatrix,
    MulticlassMatthewsCorrCoef,
    MultilabelConfusionMatrix,
    MultilabelMatthewsCorrCoef,
)
from .f_beta import (
    BinaryF1Score,
    BinaryFBetaScore,
    F1Score,
    FBetaScore,
    MulticlassF1Score,
    MulticlassFBetaScore,
    MultilabelF1Score,
    MultilabelFBetaScore,
)
from .precision_recall import (
    BinaryPrecision,
    BinaryRecall,
    MulticlassPrecision,
    MulticlassRecall,
    MultilabelPrecision,
    MultilabelRecall,
    Precision,
    Recall,
)
from .precision_recall_curve import (
    BinaryPrecisionRecallCurve,
    MulticlassPrecisionRecallCurve,
    MultilabelPrecisionRecallCurve,
    PrecisionRecallCurve,
)
from .roc import (
    AUROC,
    ROC,
    BinaryAUROC,
    BinaryROC,
    MulticlassAUROC,
    MulticlassROC,
    MultilabelAUROC,
    MultilabelROC,
)
from .specificity import (
    BinarySpecificity,
    MulticlassSpecificity,
    MultilabelSpecificity,
    Specificity,
)
from .stat_scores import (
    BinaryStatScores,
    MulticlassStatScores,
    MultilabelStatScores,
    StatScores,
)

__all__ = sorted(
    name for name, obj in globals().items() if isinstance(obj, type) and not name.startswith("_")
)
