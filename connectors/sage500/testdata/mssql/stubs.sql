-- Stand-ins for the Sage 500 procedures the connector calls, for the opt-in
-- SQL Server test suite's scratch databases only (a real Sage 500 database
-- has the real ones). They follow the table logic of README §3 and §7.2.
CREATE PROCEDURE spGetNextSurrogateKey @iTableName varchar(30), @oNewKey int OUTPUT AS
BEGIN
	SET NOCOUNT ON;
	UPDATE tciSurrogateKey WITH (UPDLOCK, HOLDLOCK) SET @oNewKey = NextKey, NextKey = NextKey + 1 WHERE TableName = @iTableName;
	IF @@ROWCOUNT = 0
	BEGIN
		INSERT INTO tciSurrogateKey (TableName, NextKey) VALUES (@iTableName, 2);
		SET @oNewKey = 1;
	END
END
GO
CREATE PROCEDURE spGetNextBatch @_iCompanyID varchar(3), @_iModuleNo smallint, @_iBatchType int, @_iUserID varchar(30),
	@_iDefBatchCmnt varchar(80), @_iPostDate datetime, @_oBatchKey int OUTPUT, @_oNextBatchNo int OUTPUT, @_oRetVal smallint OUTPUT,
	@_optHiddenBatch smallint = 0, @_optInvcDate datetime = NULL AS
BEGIN
	SET NOCOUNT ON;
	UPDATE tciBatchTypCompany SET @_oNextBatchNo = NextBatchNo, NextBatchNo = NextBatchNo + 1
	WHERE CompanyID = @_iCompanyID AND BatchType = @_iBatchType;
	IF @@ROWCOUNT = 0
	BEGIN
		SET @_oRetVal = 3;
		RETURN;
	END
	EXEC spGetNextSurrogateKey 'tciBatchLog', @_oBatchKey OUTPUT;
	INSERT INTO tciBatchLog (BatchKey, BatchID, BatchNo, BatchType, Status, PostStatus, SourceCompanyID, PostCompanyID, PostDate,
		OrigUserID, BatchCmnt, BatchTotal, NextSeqNo, PostError, RgstrPrinted, CreateType, CreateDate, UpdateCounter)
	VALUES (@_oBatchKey, CASE @_iModuleNo WHEN 3 THEN 'GL' ELSE 'SO' END + CAST(@_iBatchType AS varchar(5)) + '-' + CAST(@_oNextBatchNo AS varchar(7)),
		@_oNextBatchNo, @_iBatchType, 4, 0, @_iCompanyID, @_iCompanyID, @_iPostDate, @_iUserID, LEFT(@_iDefBatchCmnt, 50), 0, 1, 0, 0, 1, GETDATE(), 0);
	SET @_oRetVal = 1;
END
GO
CREATE PROCEDURE spglGiveNextJrnlNo @iCompanyID varchar(3), @iJrnlKey int, @iCommitFlag smallint, @oJrnlNo int OUTPUT, @oRetVal int OUTPUT AS
BEGIN
	SET NOCOUNT ON;
	UPDATE tglJournal SET @oJrnlNo = NextJrnlNo, NextJrnlNo = NextJrnlNo + 1 WHERE CompanyID = @iCompanyID AND JrnlKey = @iJrnlKey;
	SET @oRetVal = CASE WHEN @@ROWCOUNT = 1 THEN 1 ELSE 0 END;
END
